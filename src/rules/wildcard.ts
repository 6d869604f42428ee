// `*` / `?` wildcard matching in linear passes (no backtracking regex): the pattern is split at `*` and
// each piece is found left-most in turn, which is exact for glob patterns.

export type TextMatcher = (value: string) => boolean

/** Compile a wildcard pattern (`*` any run, `?` one character; no escapes, as Kibana's `matches`). */
export function compileWildcard(pattern: string, isCaseInsensitive: boolean): TextMatcher {
  const fold = (s: string): string => (isCaseInsensitive ? s.toLowerCase() : s)
  const pieces = fold(pattern).split('*')
  if (pieces.length === 1) {
    const only = pieces[0] ?? ''
    if (!only.includes('?')) return (v) => fold(v) === only
    return (v) => { const f = fold(v); return f.length === only.length && piecesAt(f, 0, only) }
  }
  const head = pieces[0] ?? ''
  const tail = pieces[pieces.length - 1] ?? ''
  const middle = pieces.slice(1, -1).filter((p) => p !== '')
  const minLength = head.length + tail.length + middle.reduce((n, p) => n + p.length, 0)
  return (value) => {
    const v = fold(value)
    if (v.length < minLength) return false
    if (!piecesAt(v, 0, head) || !piecesAt(v, v.length - tail.length, tail)) return false
    let from = head.length
    const end = v.length - tail.length
    for (const piece of middle) {
      const at = findPiece(v, piece, from, end)
      if (at < 0) return false
      from = at + piece.length
    }
    return true
  }
}

/** True when `piece` (which may hold `?`) matches `text` at `at`. */
function piecesAt(text: string, at: number, piece: string): boolean {
  if (at < 0 || at + piece.length > text.length) return false
  for (let i = 0; i < piece.length; i++) {
    const p = piece.charCodeAt(i)
    if (p !== 63 /* ? */ && p !== text.charCodeAt(at + i)) return false
  }
  return true
}

function findPiece(text: string, piece: string, from: number, end: number): number {
  if (!piece.includes('?')) {
    const at = text.indexOf(piece, from)
    return at >= 0 && at + piece.length <= end ? at : -1
  }
  for (let at = from; at + piece.length <= end; at++) if (piecesAt(text, at, piece)) return at
  return -1
}
