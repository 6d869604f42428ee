// `:`, `like`, `like~`, `regex`, `regex~` against one pattern or a list (any pattern matches).
// `:` is case-insensitive with wildcards; patterns are compiled once, and exact (wildcard-free)
// patterns of a list are looked up in a set of case-folded constants.
import type { Literal, Span } from './ast.js'
import type { Scalar } from './value.js'
import { anyOf, constantOperand, scalarToString, type ErrorSink, type Operand } from './operand.js'
import { compileWildcard, hasWildcard, type StringTest } from './wildcard.js'
import { compileLuceneRegex } from './regex.js'
import { foldCase } from './casefold.js'

export function compileMatch(
  op: ':' | 'like' | 'regex', isCaseInsensitive: boolean, value: Operand, patterns: readonly Literal[], span: Span, sink: ErrorSink,
): Operand {
  const ci = op === ':' || isCaseInsensitive
  const test = op === 'regex' ? regexTest(patterns, ci, sink) : wildcardTest(patterns, ci, sink)
  const sort = value.sort
  const one = (x: Scalar): boolean | null => {
    if (typeof x === 'string') return test(x)
    const s = scalarToString(x, sort)
    return s === null ? null : test(s)
  }
  const v = value.eval
  const ev = (e: Parameters<typeof v>[0]): boolean | null => {
    const x = v(e)
    return typeof x === 'string' ? test(x) : anyOf(x, one)
  }
  if (value.constant) return constantOperand(ev({}), 'boolean', span)
  return { eval: ev, sort: 'boolean', span }
}

function patternText(p: Literal, sink: ErrorSink): string | null {
  if (typeof p.value === 'string') return p.value
  sink.error('type', 'a pattern must be a string literal', p.span)
  return null
}

function wildcardTest(patterns: readonly Literal[], ci: boolean, sink: ErrorSink): StringTest {
  const texts = patterns.map((p) => patternText(p, sink)).filter((t): t is string => t !== null)
  if (texts.length === 1) return compileWildcard(texts[0] as string, ci)
  // fold the value once, then test every pattern case-sensitively against the folded value
  const exact = new Set<string>()
  const globs: StringTest[] = []
  for (const t of texts) {
    const p = ci ? foldCase(t) : t
    if (hasWildcard(p)) globs.push(compileWildcard(p, false))
    else exact.add(p)
  }
  return (s) => {
    const v = ci ? foldCase(s) : s
    if (exact.has(v)) return true
    for (const g of globs) if (g(v)) return true
    return false
  }
}

function regexTest(patterns: readonly Literal[], ci: boolean, sink: ErrorSink): StringTest {
  const tests: StringTest[] = []
  for (const p of patterns) {
    const text = patternText(p, sink)
    if (text === null) continue
    const r = compileLuceneRegex(text, ci)
    if (r.ok) tests.push(r.test)
    else sink.error(r.problem.code, `${r.problem.message} at offset ${r.problem.offset} of regex [${text}]`, p.span)
  }
  if (tests.length === 1) return tests[0] as StringTest
  return (s) => {
    for (const t of tests) if (t(s)) return true
    return false
  }
}
