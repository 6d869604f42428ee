// Case folding for the case-insensitive operators (`:`, `like~`, `regex~`, `in~`, `fn~()`).
// Lucene folds one code point at a time (Character.toLowerCase), so folding never changes how many
// code points a string has: `?` still matches one character and indexOf~ positions stay valid.

/** Lower-cases `s` one code point at a time (length-preserving, unlike `'İ'.toLowerCase()`). */
export function foldCase(s: string): string {
  const lower = s.toLowerCase()
  // String.prototype.toLowerCase is 1:1 except for U+0130 (İ → i + combining dot) and the
  // context-dependent final sigma (Σ → ς at a word end); Java maps both one code point at a time.
  if (lower.length === s.length && s.indexOf('\u03a3') < 0) return lower
  let out = ''
  for (const ch of s) {
    const l = ch.toLowerCase()
    out += l.length === ch.length ? l : String.fromCodePoint(l.codePointAt(0) ?? 0)
  }
  return out
}

/** True when `s` folds to `folded` (a constant folded at compile time); no allocation for ASCII. */
export function equalsFolded(s: string, folded: string): boolean {
  const n = s.length
  if (n !== folded.length) return hasNonAscii(s) ? foldCase(s) === folded : false
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i)
    if (c >= 0x80) return foldCase(s) === folded
    if (c >= 65 && c <= 90) c += 32
    if (c !== folded.charCodeAt(i)) return false
  }
  return true
}

function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return true
  return false
}
