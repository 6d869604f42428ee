// EQL wildcard patterns (`:`, `like`, `like~`): `*` matches any sequence, `?` exactly one character
// (code point). Elasticsearch has no escape character here: a backslash is a literal backslash.
// Matching is linear in the value for `*`-only patterns (anchored prefix/suffix + leftmost indexOf,
// which is optimal for globs) and O(value × pattern) at worst with `?`; never backtracking.
import { equalsFolded, foldCase } from './casefold.js'

export type StringTest = (value: string) => boolean

/** True if the pattern contains a wildcard character. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?')
}

/** Compiles a wildcard pattern once; the returned test does only the per-value work. */
export function compileWildcard(pattern: string, isCaseInsensitive: boolean): StringTest {
  const p = isCaseInsensitive ? foldCase(pattern) : pattern
  if (!hasWildcard(p)) {
    return isCaseInsensitive ? (v) => equalsFolded(v, p) : (v) => v === p
  }
  if (isCaseInsensitive && !p.includes('?')) {
    // `"prefix*"` and `"*suffix"` are the commonest `:` shapes: compare in place, no folded copy
    const star = p.indexOf('*')
    if (star === p.length - 1) {
      const prefix = p.slice(0, -1)
      return (v) => startsWithFolded(v, prefix)
    }
    if (star === 0 && p.indexOf('*', 1) < 0) {
      const suffix = p.slice(1)
      return (v) => endsWithFolded(v, suffix)
    }
  }
  const test = pattern.includes('?') ? compileGlobWithAny(p) : compileStarGlob(p)
  return isCaseInsensitive ? (v) => test(foldCase(v)) : test
}

/** `foldCase(v).startsWith(prefix)` without the copy when the compared part is ASCII. */
function startsWithFolded(v: string, prefix: string): boolean {
  const n = prefix.length
  if (v.length < n) return hasNonAscii(v) ? foldCase(v).startsWith(prefix) : false
  for (let i = 0; i < n; i++) {
    let c = v.charCodeAt(i)
    if (c >= 0x80) return foldCase(v).startsWith(prefix)
    if (c >= 65 && c <= 90) c += 32
    if (c !== prefix.charCodeAt(i)) return false
  }
  return true
}

/** `foldCase(v).endsWith(suffix)` without the copy when the compared part is ASCII. */
function endsWithFolded(v: string, suffix: string): boolean {
  const n = suffix.length
  const off = v.length - n
  if (off < 0) return hasNonAscii(v) ? foldCase(v).endsWith(suffix) : false
  for (let i = 0; i < n; i++) {
    let c = v.charCodeAt(off + i)
    if (c >= 0x80) return foldCase(v).endsWith(suffix)
    if (c >= 65 && c <= 90) c += 32
    if (c !== suffix.charCodeAt(i)) return false
  }
  return true
}

function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return true
  return false
}

/** `*`-only patterns: first part is a prefix, last a suffix, middle parts found leftmost in order. */
function compileStarGlob(p: string): StringTest {
  const parts = p.split('*')
  const first = parts[0] ?? ''
  const last = parts[parts.length - 1] ?? ''
  const middle = parts.slice(1, -1).filter((s) => s.length > 0)
  const fixed = first.length + last.length
  if (middle.length === 0) {
    if (first === '' && last === '') return () => true
    if (last === '') return (v) => v.startsWith(first)
    if (first === '') return (v) => v.endsWith(last)
    return (v) => v.length >= fixed && v.startsWith(first) && v.endsWith(last)
  }
  if (middle.length === 1 && first === '' && last === '') {
    const only = middle[0] as string
    return (v) => v.includes(only)
  }
  return (v) => {
    if (v.length < fixed || !v.startsWith(first) || !v.endsWith(last)) return false
    let pos = first.length
    const end = v.length - last.length
    for (const part of middle) {
      const at = v.indexOf(part, pos)
      if (at < 0 || at + part.length > end) return false
      pos = at + part.length
    }
    return true
  }
}

const ANY = -1

/**
 * Patterns with `?`: split at `*` into segments of fixed length in code points. The first segment
 * is anchored at the start, the last at the end, and each middle one is taken at its leftmost
 * occurrence (optimal for globs). O(value × pattern) at worst, no allocation per value.
 */
function compileGlobWithAny(p: string): StringTest {
  const parts = p.split('*').map((part) => Array.from(part, (ch) => (ch === '?' ? ANY : (ch.codePointAt(0) as number))))
  const first = parts[0] as number[]
  if (parts.length === 1) return (v) => matchForward(v, 0, first) === v.length
  const last = parts[parts.length - 1] as number[]
  const middle = parts.slice(1, -1).filter((seg) => seg.length > 0)
  return (v) => {
    const start = matchForward(v, 0, first)
    if (start < 0) return false
    const end = matchBackward(v, v.length, last)
    if (end < start) return false
    let pos = start
    for (const seg of middle) {
      let found = -1
      for (let at = pos; at <= end; at++) {
        const q = matchForward(v, at, seg)
        if (q >= 0 && q <= end) { found = q; break }
        const c = v.charCodeAt(at)
        if (c >= 0xd800 && c <= 0xdbff) at++ // stay on code point boundaries
      }
      if (found < 0) return false
      pos = found
    }
    return true
  }
}

/** Matches a fixed segment at `pos`; returns the index after it, or -1. */
function matchForward(v: string, pos: number, seg: readonly number[]): number {
  let i = pos
  for (const t of seg) {
    if (i >= v.length) return -1
    let cp = v.charCodeAt(i)
    let width = 1
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < v.length) {
      const lo = v.charCodeAt(i + 1)
      if (lo >= 0xdc00 && lo <= 0xdfff) { cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000; width = 2 }
    }
    if (t !== ANY && t !== cp) return -1
    i += width
  }
  return i
}

/** Matches a fixed segment ending at `end`; returns its start index, or -1. */
function matchBackward(v: string, end: number, seg: readonly number[]): number {
  let i = end
  for (let k = seg.length - 1; k >= 0; k--) {
    if (i <= 0) return -1
    let cp = v.charCodeAt(i - 1)
    let width = 1
    if (cp >= 0xdc00 && cp <= 0xdfff && i - 2 >= 0) {
      const hi = v.charCodeAt(i - 2)
      if (hi >= 0xd800 && hi <= 0xdbff) { cp = (hi - 0xd800) * 0x400 + (cp - 0xdc00) + 0x10000; width = 2 }
    }
    const t = seg[k] as number
    if (t !== ANY && t !== cp) return -1
    i -= width
  }
  return i
}
