// Compiled field accessors. One accessor per field path, built once: it reads nested objects
// (`{"process": {"name": …}}`), flat dotted keys (`{"process.name": …}`) and any mix of the two
// (`{"process": {"parent.name": …}}`), like Elasticsearch indexing the same document. Arrays are
// multi-valued fields (arrays of arrays are flattened, arrays of objects are walked along the path).
// Only own properties count, so `__proto__` and `constructor` are plain data keys.
import type { EcsEvent, Scalar, Value } from './value.js'
import type { FieldType } from './fieldtypes.js'
import { canonicalIp } from './ip.js'
import { compileDateFormat, dateValueMs } from './date.js'

/** Reads the raw JSON at a path: undefined when absent; several hits are concatenated into an array. */
export type RawAccessor = (event: EcsEvent) => unknown

/** Builds the raw reader for `path` (segments as written: `['process', 'parent', 'name']`). */
export function compileRawAccessor(path: readonly string[]): RawAccessor {
  const n = path.length
  if (n === 1) {
    const key = path[0] as string
    return (e) => own(e, key)
  }
  // keys[i][j] is the dotted key made of segments i..j-1, precomputed so the hot path only looks up
  const keys: string[][] = []
  for (let i = 0; i < n; i++) {
    const row: string[] = []
    for (let j = 0; j <= n; j++) row.push(j > i ? path.slice(i, j).join('.') : '')
    keys.push(row)
  }
  const walk = (node: unknown, i: number): unknown => {
    if (typeof node !== 'object' || node === null) return undefined
    if (Array.isArray(node)) {
      let acc: unknown
      for (const el of node) acc = merge(acc, walk(el, i))
      return acc
    }
    const row = keys[i] as string[]
    let acc: unknown
    for (let j = i + 1; j <= n; j++) {
      const v = own(node, row[j] as string)
      if (v !== undefined) acc = merge(acc, j === n ? v : walk(v, j))
    }
    return acc
  }
  if (n === 2) {
    // straight-line form of the walk for two segments (`process.name`), arrays go the general way
    const [a, b] = path as [string, string]
    const ab = `${a}.${b}`
    return (e) => {
      const x = own(e, a)
      let acc: unknown
      if (x !== undefined) acc = isPlainObject(x) ? own(x, b) : walk(x, 1)
      const y = own(e, ab)
      return y === undefined ? acc : merge(acc, y)
    }
  }
  if (n === 3) {
    const [a, b, c] = path as [string, string, string]
    const ab = `${a}.${b}`, bc = `${b}.${c}`, abc = `${ab}.${c}`
    return (e) => {
      let acc: unknown
      const x = own(e, a)
      if (x !== undefined) {
        if (isPlainObject(x)) {
          const y = own(x, b)
          if (y !== undefined) acc = isPlainObject(y) ? own(y, c) : walk(y, 2)
          const z = own(x, bc)
          if (z !== undefined) acc = merge(acc, z)
        } else acc = walk(x, 1)
      }
      const y2 = own(e, ab)
      if (y2 !== undefined) acc = merge(acc, isPlainObject(y2) ? own(y2, c) : walk(y2, 2))
      const z3 = own(e, abc)
      return z3 === undefined ? acc : merge(acc, z3)
    }
  }
  return (e) => walk(e, 0)
}

/**
 * An own property of JSON data, or undefined. Object.prototype's inherited members are all
 * functions except the `__proto__` accessor, and JSON never holds functions, so a non-function
 * value is an own property; `__proto__` itself is checked with Object.hasOwn. (Calling
 * Object.hasOwn on every hit costs more than the rest of the lookup.)
 */
function own(o: object, k: string): unknown {
  const v = (o as Record<string, unknown>)[k]
  if (v === undefined || typeof v === 'function') return undefined
  return k === '__proto__' && !Object.hasOwn(o, k) ? undefined : v
}

function isPlainObject(x: unknown): x is object {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

function merge(a: unknown, b: unknown): unknown {
  if (a === undefined) return b
  if (b === undefined) return a
  return [...(Array.isArray(a) ? a : [a]), ...(Array.isArray(b) ? b : [b])]
}

/** Turns one raw JSON scalar into the value the field's type indexes; null means "not indexed". */
export type ScalarNormalizer = (raw: string | number | boolean) => Scalar

/** The per-type conversion Elasticsearch applies when indexing (numbers in keyword fields, etc.). */
export function scalarNormalizer(type: FieldType | undefined): ScalarNormalizer {
  switch (type?.kind) {
    case 'keyword': case 'text': {
      const max = type.ignoreAbove
      return (x) => {
        const s = typeof x === 'string' ? x : String(x)
        return max !== undefined && s.length > max ? null : s
      }
    }
    case 'version':
      return (x) => (typeof x === 'string' ? x : String(x))
    case 'long':
      return (x) => {
        const v = toNumber(x)
        return v === null ? null : Math.trunc(v)
      }
    case 'double':
      return toNumber
    case 'boolean':
      return (x) => (typeof x === 'boolean' ? x : x === 'true' ? true : x === 'false' || x === '' ? false : null)
    case 'ip':
      return (x) => (typeof x === 'string' ? canonicalIp(x) : null)
    case 'date': {
      const parse = compileDateFormat(type.format)
      return (x) => (typeof x === 'boolean' ? null : dateValueMs(x, parse))
    }
    default:
      return (x) => x
  }
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

function toNumber(x: string | number | boolean): number | null {
  if (typeof x === 'number') return Number.isFinite(x) ? x : null
  if (typeof x === 'string') {
    const t = x.trim()
    return NUMERIC.test(t) ? Number(t) : null
  }
  return null
}

/** A typed accessor: the field's values as Elasticsearch would index them (null when absent). */
export function compileFieldAccessor(path: readonly string[], type: FieldType | undefined): (event: EcsEvent) => Value {
  const raw = compileRawAccessor(path)
  const norm = scalarNormalizer(type)
  const nullValue = type?.nullValue
  const nullAs: Scalar = nullValue === undefined || nullValue === null ? null : norm(nullValue)
  const isPlain = type === undefined || type.kind === 'keyword' && type.ignoreAbove === undefined
  return (e) => {
    const v = raw(e)
    if (typeof v === 'string') return isPlain ? v : norm(v)
    if (v === undefined) return null
    if (v === null) return nullAs
    if (typeof v === 'number' || typeof v === 'boolean') return norm(v)
    if (Array.isArray(v)) return normalizeArray(v, norm, nullAs, isPlain)
    return null // an object is not a value (Elasticsearch indexes its leaves, not the object)
  }
}

function normalizeArray(arr: readonly unknown[], norm: ScalarNormalizer, nullAs: Scalar, isPlain: boolean): Value {
  if (isPlain && isStringArray(arr)) return arr.length === 0 ? null : arr.length === 1 ? (arr[0] as string) : (arr as readonly string[])
  const out: Scalar[] = []
  addValues(arr, norm, nullAs, out)
  return out.length === 0 ? null : out.length === 1 ? (out[0] as Scalar) : out
}

// The common multi-valued shape (`process.args`, `event.category`): returned as is, no copy.
function isStringArray(arr: readonly unknown[]): boolean {
  for (let i = 0; i < arr.length; i++) if (typeof arr[i] !== 'string') return false
  return true
}

// A top-level function, not a closure: closures created per call cost an allocation each (and a
// defineProperty under tsx's keep-names transform).
function addValues(arr: readonly unknown[], norm: ScalarNormalizer, nullAs: Scalar, out: Scalar[]): void {
  for (const x of arr) {
    if (x === null) { if (nullAs !== null) out.push(nullAs); continue }
    if (Array.isArray(x)) { addValues(x, norm, nullAs, out); continue }
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') {
      const v = norm(x)
      if (v !== null) out.push(v)
    }
  }
}
