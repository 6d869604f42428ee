// A raw-text prefilter derived from a query: literals that must appear in an event's JSON text for the
// event to possibly match. A line without them is skipped before JSON.parse, which is where most of the
// time of an event query goes. The filter may say "maybe" wrongly (then the event is parsed and evaluated),
// never "no" wrongly.
import type { Expr, Literal } from './ast.js'

/** One required fragment: its JSON-escaped text, searched case-sensitively or ASCII-case-insensitively. */
interface Fragment { readonly text: string; readonly isCaseInsensitive: boolean }
/** At least one fragment of a clause must appear; every clause must be satisfied. */
type Clause = readonly Fragment[]

export interface PrefilterOptions {
  /**
   * True when a field's values appear verbatim in the JSON text (keyword-like strings). False for ip, numeric,
   * date and version fields (`::1` may be written `0:0:0:0:0:0:0:1`), for fields with a `null_value`, and for
   * fields whose values the normalizer derives — the caller decides.
   */
  readonly isVerbatim: (path: string) => boolean
}

export type LinePrefilter = (line: string) => boolean

const MAX_CLAUSES = 12
const REORDER_EVERY = 4096
const MIN_FRAGMENT = 3

/**
 * Builds a prefilter for a condition, or null when nothing useful is required. The returned function is
 * false only for lines that cannot match.
 */
export function buildPrefilter(condition: Expr, opts: PrefilterOptions): LinePrefilter | null {
  const clauses = required(condition, opts).filter((c) => c.length > 0).slice(0, MAX_CLAUSES)
  if (clauses.length === 0) return null
  // Which clause rejects most is a property of the data ("windows" is in every line of a Windows log):
  // the clauses are re-ordered now and then by how often they rejected, so the first test usually decides.
  const tests = clauses.map((c) => ({ test: compileClause(c), rejected: 0 }))
  let seen = 0
  return (line) => {
    if (isUnsafe(line)) return true
    if (++seen === REORDER_EVERY) {
      seen = 0
      tests.sort((a, b) => b.rejected - a.rejected)
      for (const t of tests) t.rejected >>>= 1
    }
    for (const t of tests) {
      if (!t.test(line)) {
        t.rejected++
        return false
      }
    }
    return true
  }
}

/**
 * A JSON `\uXXXX` or `\/` escape can hide a fragment; U+0130 and U+212A are the only characters that
 * fold (one code point at a time, as Lucene and our evaluator do) to ASCII letters (`i`, `k`), which an
 * ASCII-case-insensitive search would miss. Such lines are always parsed. `includes` is a vectorised
 * search, far cheaper than a regex character class over the line.
 */
function isUnsafe(line: string): boolean {
  return line.includes('\\u') || line.includes('\\/') || line.includes('\u0130') || line.includes('\u212a')
}

function compileClause(c: Clause): LinePrefilter {
  const exact = c.filter((f) => !f.isCaseInsensitive).map((f) => f.text)
  const folded = c.filter((f) => f.isCaseInsensitive).map((f) => f.text)
  // Literal text only (escaped), so this regex is a plain linear substring search.
  const re = folded.length ? new RegExp(folded.map(escapeRegExp).join('|'), 'i') : null
  return (line) => {
    for (const t of exact) if (line.includes(t)) return true
    return re !== null && re.test(line)
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

/** The clauses an expression requires (conservative: [] means "no requirement known"). */
function required(e: Expr, opts: PrefilterOptions): Clause[] {
  switch (e.kind) {
    case 'and':
      return e.terms.flatMap((t) => required(t, opts))
    case 'or': {
      // (A1 ∧ A2) ∨ (B1 ∧ B2) requires (A1 ∨ B1) ∧ (A1 ∨ B2) ∧ (A2 ∨ B1) ∧ (A2 ∨ B2): distribute, bounded.
      let product: Fragment[][] = [[]]
      for (const t of e.terms) {
        const own = required(t, opts)
        if (own.length === 0) return []
        const next: Fragment[][] = []
        for (const acc of product) for (const c of own) if (next.length < MAX_CLAUSES) next.push([...acc, ...c])
        product = next
      }
      return product
    }
    case 'compare': {
      if (e.op !== '==') return []
      const lit = stringLiteral(e.right) ?? stringLiteral(e.left)
      const field = e.left.kind === 'field' ? e.left : e.right.kind === 'field' ? e.right : null
      if (!lit || !field || !opts.isVerbatim(field.path.join('.'))) return []
      return oneClause([fragment(lit, false)])
    }
    case 'in': {
      if (e.isNegated || e.value.kind !== 'field' || !opts.isVerbatim(e.value.path.join('.'))) return []
      const frags: Fragment[] = []
      for (const item of e.list) {
        const lit = stringLiteral(item)
        if (lit === null) return []
        frags.push(fragment(lit, e.isCaseInsensitive))
      }
      return oneClause(frags)
    }
    case 'match': {
      if (e.op === 'regex' || e.value.kind !== 'field' || !opts.isVerbatim(e.value.path.join('.'))) return []
      // `:` is always case-insensitive, whatever the node's flag says (the flag records a written `~`).
      const isCaseInsensitive = e.op === ':' || e.isCaseInsensitive
      const frags: Fragment[] = []
      for (const p of e.patterns) {
        const piece = longestFixedPiece(p)
        if (piece === null) return []
        frags.push(fragment(piece, isCaseInsensitive))
      }
      return oneClause(frags)
    }
    default:
      return []
  }
}

function oneClause(frags: Fragment[]): Clause[] {
  for (const f of frags) if (f.text.length < MIN_FRAGMENT) return []
  return [frags]
}

function stringLiteral(e: Expr): string | null {
  return e.kind === 'literal' && e.type === 'string' ? (e.value as string) : null
}

/** The longest run of a wildcard pattern without `*` or `?`. */
function longestFixedPiece(p: Literal): string | null {
  if (p.type !== 'string') return null
  let best = ''
  for (const piece of (p.value as string).split(/[*?]/)) if (piece.length > best.length) best = piece
  return best.length ? best : null
}

function fragment(text: string, isCaseInsensitive: boolean): Fragment {
  // The text as it appears inside a JSON string (quotes, backslashes and controls escaped).
  const json = JSON.stringify(text).slice(1, -1)
  // A non-ASCII case-insensitive fragment would need Unicode folding in the search: it requires nothing
  // (the empty text makes its clause drop out).
  if (isCaseInsensitive && /[^\x00-\x7f]/.test(json)) return { text: '', isCaseInsensitive: false }
  return { text: json, isCaseInsensitive }
}
