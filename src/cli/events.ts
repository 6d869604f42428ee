// Inputs → ECS events: the reading half of every command. Readers yield raw records, the ECS layer
// normalizes them, and every record that cannot be used is counted in the run summary with its position.
import { readInputBatches } from '../ingest/index.js'
import type { InputFormat } from '../ingest/index.js'
import { createNormalizer, type Normalized, type Normalizer } from '../ecs/index.js'
import type { EcsEvent } from '../eql/index.js'
import type { EventRecord } from '../detect/index.js'
import { countProblem, countSource, formatSource, type RunSummary } from './summary.js'

export interface EventStreamOptions {
  readonly format?: InputFormat
  readonly include?: readonly string[]
  readonly exclude?: readonly string[]
  readonly summary: RunSummary
  /** `--strict`: the first malformed record fails the run. */
  readonly strict?: boolean
  /** Epoch ms of an event (from the query's timestamp field); defaults to `@timestamp`. */
  readonly timestampOf?: (event: EcsEvent) => number | null
  /**
   * Cheap raw-text test on NDJSON lines: a line for which it returns false is never parsed (counted in
   * `summary.skipped`). Only sound for lines holding ECS documents, which pass through untouched: see
   * `ecsLinePrefilter`.
   */
  readonly prefilter?: (line: string) => boolean
  readonly signal?: AbortSignal
  /**
   * Keep each ECS line's original text on its record (default true, for byte-exact echo). `vigil hunt` never
   * echoes events and sequences hold their members for minutes: without the text they hold half the memory.
   */
  readonly keepText?: boolean
  /** Every block of bytes read (compressed size), for a progress bar. */
  readonly onBytes?: (bytes: number) => void
}

export class StrictModeError extends Error {}

/** Reads every input as one stream of normalized events, numbered in input order. */
export async function* readEvents(paths: readonly string[], opts: EventStreamOptions): AsyncGenerator<EventRecord> {
  for await (const batch of readEventBatches(paths, opts)) yield* batch
}

/** Like `readEvents`, one array per block read: the cheaper form for hot loops (one await per block). */
export async function* readEventBatches(paths: readonly string[], opts: EventStreamOptions): AsyncGenerator<EventRecord[]> {
  const { summary } = opts
  const timestampOf = opts.timestampOf ?? defaultTimestamp
  const keepText = opts.keepText !== false
  const normalizer = createNormalizer()
  const labelOf = createSourceLabels()
  let ordinal = 0
  for await (const records of readInputBatches([...paths], {
    format: opts.format,
    include: opts.include ? [...opts.include] : undefined,
    exclude: opts.exclude ? [...opts.exclude] : undefined,
    signal: opts.signal,
    // --strict validates every record, so no line may be skipped unparsed
    prefilter: opts.strict ? undefined : opts.prefilter,
    onPrefiltered: (n: number) => { summary.skipped += n },
    onFile: (_file: string, bytes: number) => { summary.files++; summary.bytes += bytes },
    ...(opts.onBytes ? { onBytes: opts.onBytes } : {}),
  })) {
    const out: EventRecord[] = []
    for (const rec of records) {
      if (rec.kind === 'malformed') {
        countProblem(summary, { source: rec.source, reason: rec.reason })
        if (opts.strict) throw new StrictModeError(`${formatSource(rec.source)}: ${rec.reason}`)
        continue
      }
      const n = normalizeSafely(normalizer, rec.raw)
      if (n.status === 'invalid') {
        countProblem(summary, { source: rec.source, reason: n.reason ?? 'not a Windows or ECS event' })
        if (opts.strict) throw new StrictModeError(`${formatSource(rec.source)}: ${n.reason ?? 'invalid record'}`)
        continue
      }
      summary.events++
      if (n.status === 'unmapped') summary.unmapped++
      countSource(summary, labelOf(n.provider, n.code))
      out.push({
        event: n.event,
        ordinal: ordinal++,
        timestampMs: timestampOf(n.event),
        source: rec.source,
        // ECS input passes through untouched, so it can be echoed byte for byte.
        text: keepText && n.status === 'ecs' ? rec.text : undefined,
      })
    }
    if (out.length > 0) yield out
  }
}

/**
 * Restricts a query's raw-text prefilter to lines that are ECS documents: those pass through the
 * normalizer untouched, so a literal the query needs must be in their text. A Windows record (Winlogbeat,
 * evtx_dump JSON) is normalized into fields its text does not contain (`host.os.type`, `event.type`), so it
 * is always parsed. The test is deliberately coarse: a false "not ECS" only costs a parse.
 */
export function ecsLinePrefilter(prefilter: (line: string) => boolean): (line: string) => boolean {
  return (line) => !isEcsLine(line) || prefilter(line)
}

// One regexp pass finds either key: cheaper than two `includes` that must both scan the whole line.
const WINDOWS_RECORD = /"winlog"|"System"/

function isEcsLine(line: string): boolean {
  return line.includes('category"') && !WINDOWS_RECORD.test(line)
}

/**
 * The normalizer must never end a run: a hostile record (say, a value nested 100 000 deep, which overflows
 * the stack in JSON.stringify) becomes an invalid record with a reason, counted and positioned like any other.
 */
function normalizeSafely(normalize: Normalizer, raw: unknown): Normalized {
  try {
    return normalize(raw)
  } catch (e) {
    return { event: {}, status: 'invalid', reason: `cannot normalize: ${e instanceof Error ? e.message : String(e)}` }
  }
}

/**
 * `provider / code` labels for the summary, built once per pair: a run has a handful of pairs and millions
 * of events, and a label concatenated per event is an allocation plus a hash of a fresh string.
 */
function createSourceLabels(): (provider: string | undefined, code: string | undefined) => string {
  const byProvider = new Map<string | undefined, Map<string | undefined, string>>()
  return (provider, code) => {
    let byCode = byProvider.get(provider)
    if (byCode === undefined) { byCode = new Map(); byProvider.set(provider, byCode) }
    let label = byCode.get(code)
    if (label === undefined) { label = `${provider ?? 'unknown provider'} / ${code ?? '-'}`; byCode.set(code, label) }
    return label
  }
}

function defaultTimestamp(event: EcsEvent): number | null {
  const v = Object.hasOwn(event, '@timestamp') ? event['@timestamp'] : undefined
  if (typeof v === 'number') return v
  if (typeof v !== 'string') return null
  const ms = Date.parse(v)
  return Number.isNaN(ms) ? null : ms
}
