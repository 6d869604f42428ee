// Join keys: the composite key of an event for one stage, as Elasticsearch builds it.
// A stage's key list is the top-level `sequence by` keys followed by the stage's own `by` keys.
import type { CompiledKey } from '../eql/index.js'
import type { EcsEvent, Scalar, Value } from '../eql/index.js'

/**
 * One expanded composite key: its scalar components and a string for Map lookups. A single string
 * component (by far the most common key: `host.id`, `process.entity_id`) is its own id (`isPlain`), so
 * no id string is built; every other key has a type-tagged id and lives in a separate map (KeyMap).
 */
export interface JoinKey {
  readonly values: readonly Scalar[]
  readonly id: string
  readonly isPlain: boolean
}

/** Computes every composite key of an event for a stage; an empty list means the event is dropped. */
export type KeyFunction = (event: EcsEvent) => readonly JoinKey[]

const NO_KEYS: readonly JoinKey[] = []
const EMPTY_KEY: readonly JoinKey[] = [{ values: [], id: '', isPlain: false }]
const NULL_KEY: JoinKey = { values: [null], id: 'z', isPlain: false }

/** The JoinKey of given component values (used when state is restored from a snapshot). */
export function joinKeyOf(values: readonly Scalar[]): JoinKey {
  if (values.length === 1 && typeof values[0] === 'string') return { values, id: values[0], isPlain: true }
  return { values, id: compositeId(values), isPlain: false }
}

function singleKey(s: Scalar): JoinKey {
  return typeof s === 'string' ? { values: [s], id: s, isPlain: true } : { values: [s], id: scalarId(s), isPlain: false }
}

/**
 * Builds the key function of a stage.
 *
 * Elasticsearch drops an event whose key component is null unless the key is `?optional`, in which
 * case null is a valid value (null == null). A multi-valued component contributes one key per distinct
 * non-null value, and several multi-valued components expand to their cartesian product. An array that
 * holds only nulls (or nothing) counts as null.
 */
export function compileKeys(keys: readonly CompiledKey[]): KeyFunction {
  if (keys.length === 0) return () => EMPTY_KEY
  if (keys.length === 1) {
    const { eval: ev, isOptional } = keys[0]
    const nullKeys = isOptional ? [NULL_KEY] : NO_KEYS
    return (event) => {
      const v = ev(event)
      if (v === null || v === undefined) return nullKeys
      if (!Array.isArray(v)) return [singleKey(v as Scalar)]
      const vals = distinctScalars(v)
      if (vals.length === 0) return nullKeys
      return vals.map(singleKey)
    }
  }
  return (event) => {
    const components: Scalar[][] = []
    for (const k of keys) {
      const v = k.eval(event)
      let vals: Scalar[]
      if (v === null || v === undefined) vals = []
      else if (Array.isArray(v)) vals = distinctScalars(v)
      else vals = [v as Scalar]
      if (vals.length === 0) {
        if (!k.isOptional) return NO_KEYS
        vals = [null]
      }
      components.push(vals)
    }
    return cartesian(components)
  }
}

/** Distinct non-null scalars of a (possibly nested) multi-valued field, in first-seen order. */
function distinctScalars(v: readonly Value[]): Scalar[] {
  const out: Scalar[] = []
  const seen = new Set<string>()
  const visit = (x: Value): void => {
    if (x === null || x === undefined) return
    if (Array.isArray(x)) {
      for (const y of x) visit(y)
      return
    }
    const id = scalarId(x as Scalar)
    if (seen.has(id)) return
    seen.add(id)
    out.push(x as Scalar)
  }
  visit(v)
  return out
}

function cartesian(components: readonly Scalar[][]): JoinKey[] {
  let acc: Scalar[][] = [[]]
  for (const vals of components) {
    if (vals.length === 1) {
      for (const a of acc) a.push(vals[0])
      continue
    }
    const next: Scalar[][] = []
    for (const a of acc) for (const v of vals) next.push([...a, v])
    acc = next
  }
  return acc.map((values) => ({ values, id: compositeId(values), isPlain: false }))
}

/**
 * A type-tagged encoding: `"1"` and `1`, `null` and `"null"`, `true` and `"true"` never collide.
 * Strings are length-prefixed in composites so no separator inside a value can fake a boundary.
 * Ids are compared only among keys of one query, which all have the same arity.
 */
export function scalarId(s: Scalar): string {
  switch (typeof s) {
    case 'string': return 's' + s
    case 'number': return 'n' + (Object.is(s, -0) ? '0' : String(s))
    case 'boolean': return s ? 'T' : 'F'
    default: return 'z'
  }
}

export function compositeId(values: readonly Scalar[]): string {
  if (values.length === 1) return scalarId(values[0])
  let id = ''
  for (const v of values) {
    id += typeof v === 'string' ? `s${v.length}:${v}` : scalarId(v) + ';'
  }
  return id
}

/** What a KeyMap needs of a key: a JoinKey, or any state object that carries its key's id. */
export interface KeyRef { readonly id: string; readonly isPlain: boolean }

/** A Map keyed by JoinKey: plain keys (one string component) and typed ids in separate maps. */
export interface KeyMap<T> {
  get(key: KeyRef): T | undefined
  set(key: KeyRef, value: T): void
  delete(key: KeyRef): void
  values(): IterableIterator<T>
  readonly size: number
}

export function createKeyMap<T>(): KeyMap<T> {
  const plain = new Map<string, T>()
  const typed = new Map<string, T>()
  return {
    get: (k) => (k.isPlain ? plain : typed).get(k.id),
    set: (k, v) => { (k.isPlain ? plain : typed).set(k.id, v) },
    delete: (k) => { (k.isPlain ? plain : typed).delete(k.id) },
    values: function* () { yield* plain.values(); yield* typed.values() },
    get size() { return plain.size + typed.size },
  }
}
