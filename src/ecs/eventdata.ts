// EventData access without copying: mappers read named values straight from the parsed source object
// (evtx_dump `EventData`, Winlogbeat `winlog.event_data`, a flattened row), mark what they move into
// ECS, and only what is left is rendered into `winlog.event_data` at the end. Reading in place keeps
// V8's fast properties of JSON.parse output and saves a copy per record (normalize is allocation-bound).
import { isAbsent, parseIntText, renderValue } from './values.js'
import { setOwn, type Obj } from './obj.js'

export interface EventData {
  /** Named values; only fixed, known names are read, none of which exist on Object.prototype. */
  readonly src: Obj
  /** Keys of `src` that are not EventData (flattened rows carry System fields beside them). */
  readonly skip?: ReadonlySet<string>
  /** Names moved into ECS by the mapper: left out of `winlog.event_data`. */
  dropped?: string[]
  /** Values added by the mapper (Elastic's renames inside event_data). */
  extra?: Array<[string, string]>
}

export function eventData(src: Obj, skip?: ReadonlySet<string>): EventData {
  return skip === undefined ? { src } : { src, skip }
}

/** The value as Windows renders it; `undefined` when missing, empty, `-` or the zero GUID. */
export function str(ed: EventData, name: string): string | undefined {
  return val(ed.src[name])
}

/** `str` for a value already read (hot paths read fixed names directly: `val(src.Image)`). */
export function val(v: unknown): string | undefined {
  if (typeof v === 'string') return isAbsent(v) ? undefined : v
  if (v === undefined || v === null) return undefined
  const s = renderValue(v)
  return s === undefined || isAbsent(s) ? undefined : s
}

/** `int` for a value already read. */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined
  const s = val(v)
  return s === undefined ? undefined : parseIntText(s)
}

/** `str` and mark the name moved (Elastic's `rename`). */
export function take(ed: EventData, name: string): string | undefined {
  const s = str(ed, name)
  if (s !== undefined) (ed.dropped ??= []).push(name)
  return s
}

/** An integer from a JSON number, decimal text or `0x…` hex text. */
export function int(ed: EventData, name: string): number | undefined {
  return num(ed.src[name])
}

export function drop(ed: EventData, name: string): void {
  (ed.dropped ??= []).push(name)
}

export function put(ed: EventData, name: string, value: string): void {
  (ed.extra ??= []).push([name, value])
}

/**
 * Which keys of an EventData shape reach `winlog.event_data` (before the per-event `dropped`): records of
 * one event id from one producer have the same keys in the same order, so the filtering by `removed`,
 * `skip` and `#` is done once per shape and later records only compare their key list with it.
 */
export interface RestPlan {
  readonly removed: ReadonlySet<string> | undefined
  readonly skip: ReadonlySet<string> | undefined
  readonly keys: readonly string[]
  readonly kept: readonly string[]
}

/** A per-normalizer memo of RestPlans by event id (bounded: ids come from the input). */
export type RestPlans = Map<string, RestPlan>

function planFor(plans: RestPlans | undefined, code: string, keys: string[], removed: ReadonlySet<string> | undefined, skip: ReadonlySet<string> | undefined): readonly string[] {
  const plan = plans?.get(code)
  if (plan !== undefined && plan.removed === removed && plan.skip === skip && sameKeys(plan.keys, keys)) return plan.kept
  const kept: string[] = []
  for (const key of keys) {
    if (key.charCodeAt(0) === 35 /* '#' */) continue
    if (removed !== undefined && removed.has(key)) continue
    if (skip !== undefined && skip.has(key)) continue
    kept.push(key)
  }
  if (plans !== undefined) {
    if (plans.size >= 1024) plans.clear()
    plans.set(code, { removed, skip, keys, kept })
  }
  return kept
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** What is left for `winlog.event_data` (strings, `__proto__`-safe), or undefined when nothing is. */
export function rest(ed: EventData, removed?: ReadonlySet<string>, plans?: RestPlans, code = ''): Obj | undefined {
  const { src, skip, dropped, extra } = ed
  let out: Obj | undefined
  for (const key of planFor(plans, code, Object.keys(src), removed, skip)) {
    if (dropped !== undefined && dropped.includes(key)) continue
    const v = src[key]
    const s = typeof v === 'string' ? v : renderValue(v)
    if (s === undefined || isAbsent(s)) continue
    setOwn((out ??= {}), key, s)
  }
  if (extra !== undefined) for (const [k, v] of extra) setOwn((out ??= {}), k, v)
  return out
}
