// Event order as Elasticsearch EQL defines it: timestamp ascending, then the tiebreaker field ascending
// (events without a tiebreaker value last, as ES's Ordinal does), then input order.
import type { Scalar, Value } from '../eql/index.js'
import type { EventRecord } from './types.js'

/** Orders two scalars: null < false < true < numbers < strings (code-point order, as ES keyword sorting). */
export function compareScalars(a: Scalar, b: Scalar): number {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b)
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1
  return 0
}

function rank(v: Scalar): number {
  switch (typeof v) {
    case 'boolean': return 1
    case 'number': return 2
    case 'string': return 3
    default: return 0
  }
}

/** UTF-8 byte order equals code-point order; JS `<` compares UTF-16 units, which differs above U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    const xs = x >= 0xd800 && x <= 0xdfff
    const ys = y >= 0xd800 && y <= 0xdfff
    if (xs !== ys) return xs ? 1 : -1
    return x - y
  }
  return a.length - b.length
}

/** A tiebreaker value reduced to one scalar (the first value of a multi-valued field), or null. */
export function tiebreakerScalar(v: Value | undefined): Scalar {
  if (v === undefined) return null
  if (Array.isArray(v)) return v.length === 0 ? null : tiebreakerScalar(v[0])
  return v as Scalar
}

/** Compares tiebreakers; a missing tiebreaker sorts after any present one (ES `Ordinal`: nulls last). */
export function compareTiebreakers(a: Scalar, b: Scalar): number {
  if (a === null) return b === null ? 0 : 1
  if (b === null) return -1
  return compareScalars(a, b)
}

/** A record with its precomputed sort keys. */
export interface OrderedRecord {
  readonly record: EventRecord
  readonly tiebreaker: Scalar
}

/** Total order used everywhere: (timestamp, tiebreaker, ordinal); a null timestamp sorts first. */
export function compareOrdered(a: OrderedRecord, b: OrderedRecord): number {
  const ta = a.record.timestampMs
  const tb = b.record.timestampMs
  if (ta !== tb) {
    if (ta === null) return -1
    if (tb === null) return 1
    return ta - tb
  }
  const c = compareTiebreakers(a.tiebreaker, b.tiebreaker)
  if (c !== 0) return c
  return a.record.ordinal - b.record.ordinal
}

/** Adds to a binary min-heap in (timestamp, tiebreaker, ordinal) order. */
export function heapPush<T extends OrderedRecord>(h: T[], o: T): void {
  h.push(o)
  let i = h.length - 1
  while (i > 0) {
    const p = (i - 1) >> 1
    if (compareOrdered(h[p], h[i]) <= 0) break
    const t = h[p]; h[p] = h[i]; h[i] = t
    i = p
  }
}

/** Removes and returns the smallest element of a non-empty heap built by heapPush. */
export function heapPop<T extends OrderedRecord>(h: T[]): T {
  const top = h[0]!
  const last = h.pop()!
  if (h.length > 0) {
    h[0] = last
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < h.length && compareOrdered(h[l], h[m]) < 0) m = l
      if (r < h.length && compareOrdered(h[r], h[m]) < 0) m = r
      if (m === i) break
      const t = h[m]; h[m] = h[i]; h[i] = t
      i = m
    }
  }
  return top
}
