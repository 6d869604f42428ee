// EQL wildcard patterns (`:`, `like`, `like~`): `*` matches any sequence, `?` exactly one character
// (code point). Elasticsearch has no escape character here: a backslash is a literal backslash.
// Matching is linear in the value for `*`-only patterns (anchored prefix/suffix + leftmost indexOf,
// which is optimal for globs) and O(value × pattern) for patterns with `?`; never backtracking.
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
  const test = pattern.includes('?') ? compileGlobNfa(p) : compileStarGlob(p)
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

const STAR = -1
const ANY = -2

/** Patterns with `?`: a Thompson simulation over pattern positions, one code point at a time. */
function compileGlobNfa(p: string): StringTest {
  const tokens: number[] = []
  for (const ch of p) tokens.push(ch === '*' ? STAR : ch === '?' ? ANY : (ch.codePointAt(0) as number))
  const m = tokens.length
  return (v) => {
    let cur = new Uint8Array(m + 1)
    let next = new Uint8Array(m + 1)
    cur[0] = 1
    closeOverStars(tokens, cur)
    for (let i = 0; i < v.length; i++) {
      let c = v.charCodeAt(i)
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < v.length) {
        const lo = v.charCodeAt(i + 1)
        if (lo >= 0xdc00 && lo <= 0xdfff) { c = (c - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000; i++ }
      }
      next.fill(0)
      let isAlive = false
      for (let s = 0; s < m; s++) {
        if (cur[s] === 0) continue
        const t = tokens[s] as number
        if (t === STAR) { next[s] = 1; isAlive = true }
        else if (t === ANY || t === c) { next[s + 1] = 1; isAlive = true }
      }
      if (!isAlive) return false
      closeOverStars(tokens, next)
      const swap = cur; cur = next; next = swap
    }
    return cur[m] === 1
  }
}

/** A state before `*` also enables the state after it (the star may match nothing). */
function closeOverStars(tokens: readonly number[], states: Uint8Array): void {
  for (let s = 0; s < tokens.length; s++) {
    if (states[s] === 1 && tokens[s] === STAR) states[s + 1] = 1
  }
}
