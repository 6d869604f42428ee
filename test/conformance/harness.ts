// Conformance harness: runs the Elasticsearch EQL spec suites in ../shared/conformance through the real
// parser, compiler and detection engine, loading data the way ES's DataLoader does (see that folder's
// README). The suites are read at run time from the shared folder and never copied into this repo.
import { readFileSync, existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseToml } from 'smol-toml'
import { parse } from '../../src/eql/parser.js'
import { compile } from '../../src/eql/compile.js'
import { renderError } from '../../src/eql/errors.js'
import { parseMappingText, resolveField, type FieldTypes } from '../../src/eql/fieldtypes.js'
import { mergeIndexMappings } from '../../src/eql/index-mappings.js'
import { formatIsoMs } from '../../src/eql/date.js'
import type { CompiledQuery } from '../../src/eql/compiled.js'
import type { EcsEvent, Value } from '../../src/eql/value.js'
import { runQuery, type EventRecord, type QueryResult } from '../../src/detect/index.js'

const here = dirname(fileURLToPath(import.meta.url))

/** The shared conformance folder (`VIGIL_CONFORMANCE_DIR` overrides `../shared/conformance`). */
export function conformanceDir(): string {
  return process.env.VIGIL_CONFORMANCE_DIR ?? resolve(here, '../../../shared/conformance')
}

export interface Entry {
  readonly suite: string
  readonly name: string
  readonly query: string
  /** Acceptable flattened id lists (one unless ES's result is not deterministic); -1 = missing event. */
  readonly expected: readonly (readonly number[])[]
  /** Flattened join keys as strings ("null" for null); compared only when non-empty. */
  readonly joinKeys: readonly string[]
  readonly size?: number
  readonly maxSamplesPerKey?: number
}

export interface Dataset {
  readonly name: string
  readonly events: readonly EcsEvent[]
  readonly fieldTypes: FieldTypes
  readonly tiebreakerField: string | undefined
  readonly idField: string
}

export interface Suite {
  readonly name: string
  readonly file: string
  readonly dataset: Dataset
  readonly entries: readonly Entry[]
}

/** The ES suites and the index each one runs against (ES's EqlSpec test classes and DataLoader). */
const SUITES: ReadonlyArray<{ name: string; file: string; data: readonly string[]; mappings: readonly string[]; tiebreaker?: string; id: string }> = [
  { name: 'main', file: 'elasticsearch/test_queries.toml', data: ['endgame-140'], mappings: ['endgame-140'], tiebreaker: 'serial_event_id', id: 'serial_event_id' },
  { name: 'additional', file: 'elasticsearch/additional_test_queries.toml', data: ['endgame-140'], mappings: ['endgame-140'], tiebreaker: 'serial_event_id', id: 'serial_event_id' },
  { name: 'date', file: 'elasticsearch/test_queries_date.toml', data: ['endgame-140'], mappings: ['endgame-140'], tiebreaker: 'serial_event_id', id: 'serial_event_id' },
  { name: 'extra', file: 'elasticsearch/test_extra.toml', data: ['extra'], mappings: ['extra'], tiebreaker: 'sequence', id: 'sequence' },
  { name: 'missing-events', file: 'elasticsearch/test_missing_events.toml', data: ['missing-events'], mappings: ['missing-events'], tiebreaker: 'sequence', id: 'sequence' },
  { name: 'sample', file: 'elasticsearch/test_sample.toml', data: ['sample1', 'sample2', 'sample3'], mappings: ['sample1', 'sample2', 'sample3'], id: 'id' },
  { name: 'sample-multi', file: 'elasticsearch/test_sample_multi.toml', data: ['sample-multi'], mappings: ['sample-multi'], id: 'id' },
]

/** Loads every ES suite with its data (NDJSON) and field types (the index mapping). */
export function loadSuites(dir: string = conformanceDir()): Suite[] {
  return SUITES.map((s) => {
    const events: EcsEvent[] = []
    for (const d of s.data) events.push(...readNdjson(join(dir, 'ndjson', `${d}.ndjson`)))
    let fieldTypes: FieldTypes = new Map()
    for (const m of s.mappings) fieldTypes = mergeIndexMappings(fieldTypes, readMapping(join(dir, 'elasticsearch/data', `${m}.mapping`)))
    const dataset: Dataset = { name: s.data.join(','), events, fieldTypes, tiebreakerField: s.tiebreaker, idField: s.id }
    return { name: s.name, file: s.file, dataset, entries: readEntries(s.name, join(dir, s.file)) }
  })
}

function readNdjson(path: string): EcsEvent[] {
  const out: EcsEvent[] = []
  const lines = readFileSync(path, 'utf8').split('\n')
  lines.forEach((line, i) => {
    if (line.trim() === '') return
    try {
      out.push(JSON.parse(line) as EcsEvent)
    } catch (e) {
      throw new Error(`${path}:${i + 1}: ${(e as Error).message}`)
    }
  })
  return out
}

function readMapping(path: string): FieldTypes {
  if (!existsSync(path)) return new Map()
  const r = parseMappingText(readFileSync(path, 'utf8'))
  if (!r.ok) throw new Error(`${path}: ${r.errors.map((e) => `${e.at}: ${e.message}`).join('; ')}`)
  return r.value
}

/**
 * ES spec files are TOML except that `join_keys` may hold a bare `null` (not valid TOML); ES reads it
 * as the string "null", so it is rewritten on join_keys lines only (queries contain `null` too).
 */
export function lenientToml(text: string): string {
  const lines = text.split('\n')
  let inJoinKeys = false
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (/^\s*join_keys\s*=/.test(line)) inJoinKeys = true
    if (!inJoinKeys) continue
    lines[i] = line.replace(/(^|[[,\s])null(?=\s*[,\]])/g, '$1"null"')
    if (line.includes(']')) inJoinKeys = false
  }
  return lines.join('\n')
}

function readEntries(suite: string, path: string): Entry[] {
  const doc = parseToml(lenientToml(readFileSync(path, 'utf8'))) as { queries?: unknown }
  if (!Array.isArray(doc.queries)) throw new Error(`${path}: no [[queries]]`)
  const names = new Set<string>()
  return doc.queries.map((raw: unknown, i: number): Entry => {
    const q = raw as Record<string, unknown>
    const where = `${path}: [[queries]] #${i + 1}`
    if (typeof q.name !== 'string') throw new Error(`${where}: missing name`)
    if (names.has(q.name)) throw new Error(`${where}: duplicate name ${q.name}`)
    names.add(q.name)
    if (typeof q.query !== 'string') throw new Error(`${where} (${q.name}): missing query`)
    if (!Array.isArray(q.expected_event_ids)) throw new Error(`${where} (${q.name}): missing expected_event_ids`)
    const exp = q.expected_event_ids as unknown[]
    const expected = exp.length > 0 && Array.isArray(exp[0]) ? (exp as unknown[][]).map(numbers) : [numbers(exp)]
    const joinKeys = Array.isArray(q.join_keys) ? q.join_keys.map((k) => (k === null ? 'null' : String(k))) : []
    return {
      suite, name: q.name, query: q.query.trim(), expected, joinKeys,
      size: typeof q.size === 'number' ? q.size : undefined,
      maxSamplesPerKey: typeof q.max_samples_per_key === 'number' ? q.max_samples_per_key : undefined,
    }
  })
}

function numbers(xs: readonly unknown[]): number[] {
  return xs.map((x) => (typeof x === 'bigint' ? Number(x) : Number(x)))
}

export type Outcome =
  | { readonly ok: true; readonly ids: readonly number[]; readonly joinKeys: readonly string[] }
  | { readonly ok: false; readonly reason: string; readonly ids?: readonly number[]; readonly joinKeys?: readonly string[] }

/** Compiles an entry's query for its dataset, or returns the positioned errors as a message. */
export function compileEntry(entry: Entry, dataset: Dataset): CompiledQuery | string {
  const parsed = parse(entry.query)
  if (!parsed.ok) return parsed.errors.map((e) => renderError(entry.query, e)).join('; ')
  try {
    return compile(parsed.value, {
      fieldTypes: dataset.fieldTypes,
      timestampField: '@timestamp',
      tiebreakerField: dataset.tiebreakerField,
      eventCategoryField: 'event.category',
    })
  } catch (e) {
    return (e as Error).message
  }
}

/** The records of a dataset as the engine sees them under a compiled query's time settings. */
export function datasetRecords(q: CompiledQuery, dataset: Dataset): EventRecord[] {
  return dataset.events.map((event, ordinal) => ({ event, ordinal, timestampMs: q.time.timestampMs(event) }))
}

/** Runs one entry through parser → compiler → engine (ES request defaults: size 50). */
export function runEntry(entry: Entry, dataset: Dataset): Outcome {
  const q = compileEntry(entry, dataset)
  if (typeof q === 'string') return { ok: false, reason: `query rejected: ${q}` }
  const results = runQuery(q, datasetRecords(q, dataset), { size: entry.size ?? 50, maxSamplesPerKey: entry.maxSamplesPerKey })
  const ids = resultIds(results, dataset.idField)
  const joinKeys = resultJoinKeys(q, results, dataset.fieldTypes)
  const check = checkEntry(entry, ids, joinKeys)
  return check.ok ? { ok: true, ids, joinKeys } : { ok: false, reason: check.reason, ids, joinKeys }
}

/** Flattened ids in output order; a missing-event placeholder is -1 (as ES's spec tests encode it). */
export function resultIds(results: readonly QueryResult[], idField: string): number[] {
  const out: number[] = []
  const idOf = (r: EventRecord): number => Number(r.event[idField])
  for (const r of results) {
    if (r.kind === 'event') out.push(idOf(r.record))
    else for (const m of r.members) out.push(m === null ? -1 : idOf(m))
  }
  return out
}

/**
 * Join keys as ES's spec tests compare them: `toString()` of each value, null as "null". Date fields
 * are held as epoch ms; ES shows sequence keys in the date format (ISO) and sample keys (composite
 * aggregation buckets) as epoch ms.
 */
export function resultJoinKeys(q: CompiledQuery, results: readonly QueryResult[], fieldTypes: FieldTypes): string[] {
  const out: string[] = []
  const stages = q.kind === 'event' ? [] : q.stages
  for (const r of results) {
    if (r.kind === 'event') continue
    // The key of a result is the key of its last positive stage (all stages have the same arity).
    const stage = [...stages].reverse().find((s) => !s.isMissing) ?? stages[0]
    r.joinKeys.forEach((v, i) => {
      const text = stage?.keys[i]?.text.replace(/^\?/, '') ?? ''
      const isDate = resolveField(fieldTypes, text).type?.kind === 'date'
      out.push(renderKey(v, isDate && r.kind === 'sequence'))
    })
  }
  return out
}

function renderKey(v: Value, asIsoDate: boolean): string {
  if (v === null) return 'null'
  if (asIsoDate && typeof v === 'number') return formatIsoMs(v)
  return String(v)
}

/** Compares actual ids / join keys with an entry's expectations (ES's BaseEqlSpecTestCase rules). */
export function checkEntry(entry: Entry, actualIds: readonly number[], actualJoinKeys: readonly string[]): { ok: true } | { ok: false; reason: string } {
  const same = (a: readonly unknown[], b: readonly unknown[]): boolean => a.length === b.length && a.every((x, i) => x === b[i])
  if (!entry.expected.some((e) => same(e, actualIds))) {
    const exp = entry.expected.length === 1 ? JSON.stringify(entry.expected[0]) : `one of ${JSON.stringify(entry.expected)}`
    return { ok: false, reason: `ids ${JSON.stringify(actualIds)}, expected ${exp}` }
  }
  if (entry.joinKeys.length > 0 && !same(entry.joinKeys, actualJoinKeys)) {
    return { ok: false, reason: `join keys ${JSON.stringify(actualJoinKeys)}, expected ${JSON.stringify(entry.joinKeys)}` }
  }
  return { ok: true }
}

// ---- Endgame suite (informational) ----
// endgameinc/eql's test_queries.toml is written in Endgame syntax and semantics. ES's test_queries.toml
// is its translation and is the authority; this cross-check runs the Endgame entries that apply in
// Endgame's case-sensitive mode after a purely lexical translation (`=` → `==`, '…' and ?"…" strings →
// ES strings) and reports where the expectations differ. Differences are documented, not asserted.

export interface EndgameEntry {
  readonly index: number
  readonly query: string
  readonly translated: string
  readonly expected: readonly number[]
}

/** Entries of the Endgame suite that apply in case-sensitive mode, with their ES-syntax translation. */
export function loadEndgameEntries(dir: string = conformanceDir()): EndgameEntry[] {
  const doc = parseToml(readFileSync(join(dir, 'endgame/test_queries.toml'), 'utf8')) as { queries?: unknown }
  const out: EndgameEntry[] = []
  const queries = Array.isArray(doc.queries) ? doc.queries : []
  queries.forEach((raw: unknown, index: number) => {
    const q = raw as Record<string, unknown>
    if (typeof q.query !== 'string' || !Array.isArray(q.expected_event_ids)) return
    const appliesSensitive = q.case_sensitive === true || (q.case_sensitive === undefined && q.case_insensitive === undefined)
    if (!appliesSensitive) return
    out.push({ index: index + 1, query: q.query.trim(), translated: translateEndgameSyntax(q.query.trim()), expected: numbers(q.expected_event_ids) })
  })
  return out
}

/** Lexical Endgame → ES rewrite: `=` → `==`, '…' → "…", ?"…" / ?'…' (raw) → """…""". */
export function translateEndgameSyntax(text: string): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text[i]
    const isRaw = c === '?' && (text[i + 1] === '"' || text[i + 1] === "'")
    if (c === '"' || c === "'" || isRaw) {
      const quote = isRaw ? text[i + 1] : c
      let j = isRaw ? i + 2 : i + 1
      let body = ''
      while (j < text.length && text[j] !== quote) {
        if (text[j] === '\\' && !isRaw) { body += text[j] + (text[j + 1] ?? ''); j += 2; continue }
        body += text[j++]
      }
      if (isRaw) out += `"""${body}"""`
      else if (quote === "'") out += `"${body.replace(/\\'/g, "'").replace(/(^|[^\\])"/g, '$1\\"')}"`
      else out += `"${body}"`
      i = j + 1
      continue
    }
    if (c === '=' && !'=!<>'.includes(text[i - 1] ?? '') && text[i + 1] !== '=') { out += '=='; i++; continue }
    out += c
    i++
  }
  return out
}

export type EndgameOutcome = 'agree' | 'differ' | 'not-es'

/** Runs one translated Endgame entry over the endgame-140 data (the ES main suite's dataset). */
export function runEndgameEntry(entry: EndgameEntry, dataset: Dataset): { outcome: EndgameOutcome; detail: string } {
  const q = compileEntry({ suite: 'endgame', name: `#${entry.index}`, query: entry.translated, expected: [entry.expected], joinKeys: [] }, dataset)
  if (typeof q === 'string') return { outcome: 'not-es', detail: q }
  const ids = resultIds(runQuery(q, datasetRecords(q, dataset)), dataset.idField)
  const same = ids.length === entry.expected.length && ids.every((x, k) => x === entry.expected[k])
  return same ? { outcome: 'agree', detail: '' } : { outcome: 'differ', detail: `ES engine ${JSON.stringify(ids)}, Endgame expected ${JSON.stringify(entry.expected)}` }
}
