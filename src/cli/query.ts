// `vigil query '<EQL>' <files…>`: run one EQL query over files and print the results in Elasticsearch's order.
import { readFileSync } from 'node:fs'
import { parse, tryCompile, renderError, type Value, buildPrefilter, type Query, type Expr, defaultFieldTypes, parseMappingText, mergeFieldTypes, mergeIndexMappings, type CompiledQuery, type FieldTypes } from '../eql/index.js'
import { createRunner, stageTest, type EventRecord, type QueryResult } from '../detect/index.js'
import { createSpillSorter } from './spill.js'
import type { InputFormat } from '../ingest/index.js'
import { readEvents, ecsLinePrefilter } from './events.js'
import { countProblem, createSummary, renderSummary, type RunSummary } from './summary.js'
import { createLineWriter } from './output.js'
import { renderTable } from './table.js'
import { UsageError } from './errors.js'

export interface QueryOptions {
  readonly format: 'ndjson' | 'json' | 'table'
  readonly mapping?: readonly string[]
  readonly size?: number
  readonly maxSamplesPerKey?: number
  readonly inputFormat?: InputFormat
  readonly timestampField?: string
  readonly tiebreaker?: string
  readonly eventCategoryField?: string
  readonly strict?: boolean
  readonly quiet?: boolean
  readonly output?: string
  /** Candidate text held in memory before it is sorted into a temporary run file (default 128 Mi). */
  readonly spillBudget?: number
}

/**
 * Loads Elasticsearch mapping files (`{"properties": …}`; `#` comment lines dropped) over the ECS defaults.
 * Several files stand for a query over several indices.
 */
export function loadMappingFiles(paths: readonly string[]): FieldTypes {
  let types: FieldTypes = new Map()
  for (const path of paths) {
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (e) {
      throw new UsageError(`cannot read mapping ${path}: ${(e as Error).message}`)
    }
    const mapping = parseMappingText(text)
    if (!mapping.ok) throw new UsageError(mapping.errors.map((p) => `${path}: ${p.at}: ${p.message}`).join('\n'))
    types = mergeIndexMappings(types, mapping.value)
  }
  return mergeFieldTypes(defaultFieldTypes(), types)
}

/** A parsed and compiled query; prepareQuery throws a UsageError carrying every positioned message. */
interface PreparedQuery {
  readonly compiled: CompiledQuery
  /** A raw-line test for ECS NDJSON lines (null when the query requires no literal). */
  readonly prefilter: ((line: string) => boolean) | null
}

function prepareQuery(text: string, opts: QueryOptions): PreparedQuery {
  const parsed = parse(text)
  if (!parsed.ok) throw new UsageError(parsed.errors.map((e) => renderError(text, e)).join('\n'))
  const fieldTypes = opts.mapping?.length ? loadMappingFiles(opts.mapping) : defaultFieldTypes()
  return { compiled: compileParsed(text, parsed.value, fieldTypes, opts), prefilter: queryPrefilter(parsed.value, fieldTypes) }
}

/**
 * A raw-line test for the query's candidates: for a sequence or sample, an event can matter only if it
 * matches some stage (or `until`), so the stage conditions are OR-ed. Fields that are not plain keywords
 * (ip, numbers, dates, versions, aliases, null_value) can match values written differently, so they
 * require nothing.
 */
function queryPrefilter(q: Query, types: FieldTypes): ((line: string) => boolean) | null {
  const base = q.base
  let condition: Expr
  if (base.kind === 'event') condition = base.condition
  else {
    const terms = base.kind === 'sequence' && base.until ? [...base.terms, base.until] : base.terms
    condition = { kind: 'or', terms: terms.map((t) => t.query.condition), span: base.span }
  }
  const pf = buildPrefilter(condition, {
    isVerbatim: (path) => {
      const t = types.get(path)
      return t !== undefined && t.kind === 'keyword' && t.nullValue === undefined
    },
  })
  return pf && ecsLinePrefilter(pf)
}

function compileParsed(text: string, query: Query, fieldTypes: FieldTypes, opts: QueryOptions): CompiledQuery {
  const compiled = tryCompile(query, {
    fieldTypes,
    timestampField: opts.timestampField,
    tiebreakerField: opts.tiebreaker,
    eventCategoryField: opts.eventCategoryField,
    source: text,
  })
  if (!compiled.ok) throw new UsageError(compiled.errors.map((e) => renderError(text, e)).join('\n'))
  return compiled.value
}

export interface QueryRun {
  readonly compiled: CompiledQuery
  readonly results: QueryResult[]
  readonly summary: RunSummary
}

export interface QueryStream {
  readonly compiled: CompiledQuery
  readonly summary: RunSummary
  readonly results: number
  /** Sorted runs written to temporary files because the candidates outgrew the memory budget. */
  readonly spilledRuns: number
}

/** How often (in events handed to the engine) the output gets a chance to drain. */
const FLUSH_EVERY = 4096

export interface QueryHandlers {
  /** Called once the query is compiled, before any result. */
  readonly onStart?: (compiled: CompiledQuery, summary: RunSummary) => void
  /** Each result as soon as it is final, in Elasticsearch's order. */
  readonly onResult: (r: QueryResult) => void
  /** Awaited now and then (and at the end) so the output can drain. */
  readonly flush?: () => Promise<void>
}

/**
 * Reads the inputs and runs the query, streaming its results. Candidates past the memory budget are
 * sorted into temporary run files and merged at the end, so memory stays bounded whatever the input size.
 */
export async function streamQuery(text: string, paths: readonly string[], opts: QueryOptions, handlers: QueryHandlers): Promise<QueryStream> {
  return streamPrepared(prepareQuery(text, opts), paths, opts, handlers)
}

async function streamPrepared({ compiled, prefilter }: PreparedQuery, paths: readonly string[], opts: QueryOptions, handlers: QueryHandlers): Promise<QueryStream> {
  const summary = createSummary()
  handlers.onStart?.(compiled, summary)
  // Only events that match some stage can influence a result, so only those are kept for ordering.
  const isCandidate = stageTest(compiled)
  const sorter = createSpillSorter({ budget: opts.spillBudget, tiebreakerOf: compiled.time.tiebreaker })
  const { flush } = handlers
  let results = 0
  try {
    for await (const rec of readEvents(paths, { summary, format: opts.inputFormat, strict: opts.strict, timestampOf: compiled.time.timestampMs, prefilter: prefilter ?? undefined })) {
      if (isCandidate(rec.event) && sorter.add(rec)) await sorter.spill()
    }
    const runner = createRunner(compiled, { onResult: (r) => { results++; handlers.onResult(r) }, size: opts.size, maxSamplesPerKey: opts.maxSamplesPerKey })
    let pushed = 0
    for await (const rec of sorter.sorted()) {
      runner.push(rec)
      if (runner.isDone) break
      if (flush && ++pushed % FLUSH_EVERY === 0) await flush()
    }
    runner.end()
    if (flush) await flush()
    return { compiled, summary, results, spilledRuns: sorter.runs }
  } finally {
    sorter.close()
  }
}

/** Reads the inputs and runs the query: the whole of `vigil query` but the output, results in memory. */
export async function executeQuery(text: string, paths: readonly string[], opts: QueryOptions): Promise<QueryRun> {
  const results: QueryResult[] = []
  const { compiled, summary } = await streamQuery(text, paths, opts, { onResult: (r) => results.push(r) })
  return { compiled, results, summary }
}

export async function runQueryCommand(text: string, paths: readonly string[], opts: QueryOptions): Promise<number> {
  const prepared = prepareQuery(text, opts) // an invalid query fails before -o creates or truncates a file
  const out = createLineWriter(opts.output)
  let summary: RunSummary | null = null
  let keysOf: ((r: QueryResult & { kind: 'sequence' | 'sample' }) => readonly Value[]) | undefined
  // Only a document nested thousands deep (not kept as text) fails to serialize: a positioned problem.
  const serialize = (r: QueryResult): string | undefined => {
    try {
      return resultJson(r, keysOf)
    } catch (e) {
      const rec = r.kind === 'event' ? r.record : r.members.find((m) => m !== null)
      if (rec?.source && summary) countProblem(summary, { source: rec.source, reason: `cannot serialize result: ${(e as Error).message}` })
      return undefined
    }
  }
  const table: QueryResult[] = [] // a table is sized to its rows: kept whole (it is for reading, not piping)
  let pending = ''
  let written = 0
  const run = await streamPrepared(prepared, paths, opts, {
    onStart: (compiled, s) => { summary = s; keysOf = joinKeyRenderer(compiled) },
    onResult: (r) => {
      if (opts.format === 'table') { table.push(r); return }
      const json = serialize(r)
      if (json === undefined) return
      pending += opts.format === 'json' ? (written++ ? ',\n' : '[\n') + json : json + '\n'
    },
    flush: async () => {
      if (pending.length === 0) return
      const chunk = pending
      pending = ''
      await out.write(chunk)
    },
  })
  if (opts.format === 'table') await out.write(renderTable(table, { color: opts.output === undefined && process.stdout.isTTY === true }))
  if (opts.format === 'json') await out.write(written ? '\n]\n' : '[]\n')
  await out.close()
  const extra = [`  results: ${run.results}`]
  if (run.spilledRuns > 0) extra.push(`  sorted through ${run.spilledRuns} temporary run files (--sort-memory)`)
  if (!opts.quiet) process.stderr.write(renderSummary(run.summary, extra) + '\n')
  return 0
}

/** The output contract: an event exactly as read; a sequence/sample as `{"join_keys":[…],"events":[…]}`. */
export function resultJson(r: QueryResult, keysOf: (r: QueryResult & { kind: 'sequence' | 'sample' }) => readonly Value[] = (x) => x.joinKeys): string {
  if (r.kind === 'event') return eventJson(r.record)
  const events = r.members.map((m) => (m === null ? '{"missing":true}' : eventJson(m)))
  return `{"join_keys":${JSON.stringify(keysOf(r))},"events":[${events.join(',')}]}`
}

/**
 * Join keys as Elasticsearch returns them: the engine holds a date key as epoch ms; a sequence shows it in
 * ISO 8601 (the field's date format), a sample as epoch ms (a composite-aggregation bucket key).
 */
export function joinKeyRenderer(q: CompiledQuery): (r: QueryResult & { kind: 'sequence' | 'sample' }) => readonly Value[] {
  if (q.kind !== 'sequence') return (r) => r.joinKeys
  // All stages have the same key arity; the last positive stage names the key types.
  const stage = [...q.stages].reverse().find((st) => !st.isMissing) ?? q.stages[0]
  const isDate = (stage?.keys ?? []).map((k) => k.esType === 'date' || k.esType === 'date_nanos')
  if (!isDate.some(Boolean)) return (r) => r.joinKeys
  return (r) => r.joinKeys.map((v, i) => (isDate[i] && typeof v === 'number' ? new Date(v).toISOString() : v))
}

function eventJson(rec: EventRecord): string {
  return rec.text ?? JSON.stringify(rec.event)
}
