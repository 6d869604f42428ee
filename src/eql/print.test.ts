import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { EventQuery, Expr, Field, Literal, Maxspan, Pipe, Query, Term, TimeUnit } from './ast.js'
import { renderError } from './errors.js'
import { parse, parseExpression } from './parser.js'
import { print, printExpr, printString } from './print.js'
import { FUNCTION_SIGNATURES, argSpec, type ArgKind } from './signatures.js'
import { stripSpans } from './testing.js'

function reparse(text: string): Query {
  const r = parse(text)
  if (!r.ok) assert.fail(`${text}\n${r.errors.map((e) => renderError(text, e)).join('\n')}`)
  return r.value
}

describe('printer: canonical text', () => {
  const cases: [string, string][] = [
    ['process where a=="x"', 'process where a == "x"'],
    ['process where a == 1 and (b == 2 or c == 3)', 'process where a == 1 and (b == 2 or c == 3)'],
    ['process where (a == 1 and b == 2) and c == 3', 'process where (a == 1 and b == 2) and c == 3'],
    ['process where not (a == 1 or b == 2)', 'process where not (a == 1 or b == 2)'],
    ['process where (a + 1) * 2 == 4', 'process where (a + 1) * 2 == 4'],
    ['process where a - (1 - 2) == 4', 'process where a - (1 - 2) == 4'],
    ['process where -(5) == a', 'process where -(5) == a'],
    ['process where -a == -5', 'process where -a == -5'],
    ['process where a == 1.0 and b == 1e21', 'process where a == 1.0 and b == 1e+21'],
    ['process where ?`my-field`.`and` == null', 'process where ?`my-field`.`and` == null'],
    ['process where `a`.`b_1` == null', 'process where a.b_1 == null'],
    ['process where `and` == 1', 'process where `and` == 1'],
    ['process where a : ("x") and b : "y" and c like~ ("z", "w")', 'process where a : ("x") and b : "y" and c like~ ("z", "w")'],
    ['process where a not in~ ("x", 2) and cidrmatch(b, "10.0.0.0/8")', 'process where a not in~ ("x", 2) and cidrMatch(b, "10.0.0.0/8")'],
    ['process where a == """C:\\Windows\\"x"."""', 'process where a == "C:\\\\Windows\\\\\\"x\\"."'],
    ['process where a == "\\u{01}\\t"', 'process where a == "\\u{01}\\t"'],
    ['"my cat" where true', '"my cat" where true'],
    ['"any" where true', '"any" where true'],
    ['any where true | head 3', 'any where true | head 3'],
    ['sequence by a with maxspan=1h [x where true] by b ![y where true] by c with runs=2 until [z where true] by d',
      'sequence by a with maxspan=1h [x where true] by b ![y where true] by c with runs=2 until [z where true] by d'],
    ['sample by a [x where true] [y where true]', 'sample by a [x where true] [y where true]'],
  ]
  for (const [input, expected] of cases) {
    it(input, () => {
      const q = reparse(input)
      const text = print(q)
      assert.equal(text, expected)
      assert.deepEqual(stripSpans(reparse(text)), stripSpans(q))
    })
  }

  it('escapes strings the way the lexer reads them', () => {
    for (const s of ['', 'plain', 'q"uote', 'back\\slash', 'nl\ncr\rtab\t', '\u0000\u001f\u007f', '😀', '\ud800']) {
      const r = parseExpression(`a == ${printString(s)}`)
      assert.ok(r.ok)
      if (r.ok && r.value.kind === 'compare') assert.equal((r.value.right as Literal).value, s)
    }
  })
})

// ---- property test: generated valid ASTs survive print → parse ----

const SPAN = { start: 0, end: 0 }

const segment = fc.string({ minLength: 1, maxLength: 8, unit: 'binary' })
const fieldArb: fc.Arbitrary<Field> = fc.record({
  path: fc.array(fc.oneof(fc.constantFrom('process', 'name', 'and', 'in', 'sequence', '@timestamp', 'x_1'), segment), { minLength: 1, maxLength: 3 }),
  isOptional: fc.boolean(),
}).map(({ path, isOptional }) => ({ kind: 'field', path, isOptional, span: SPAN }))

const stringLit: fc.Arbitrary<Literal> = fc.string({ maxLength: 12, unit: 'binary' })
  .map((value) => ({ kind: 'literal', type: 'string', value, span: SPAN }))
const intLit: fc.Arbitrary<Literal> = fc.maxSafeInteger().filter((v) => !Object.is(v, -0))
  .map((value) => ({ kind: 'literal', type: 'integer', value, span: SPAN }))
const floatLit: fc.Arbitrary<Literal> = fc.double({ noNaN: true, noDefaultInfinity: true })
  .map((value) => ({ kind: 'literal', type: 'float', value, span: SPAN }))
const boolLit: fc.Arbitrary<Literal> = fc.boolean().map((value) => ({ kind: 'literal', type: 'boolean', value, span: SPAN }))
const nullLit: fc.Arbitrary<Literal> = fc.constant({ kind: 'literal', type: 'null', value: null, span: SPAN })
const anyLit = fc.oneof(stringLit, intLit, floatLit, boolLit, nullLit)

function litOfKind(kind: ArgKind): fc.Arbitrary<Literal> {
  switch (kind) {
    case 'string': return stringLit
    case 'number': return fc.oneof(intLit, floatLit)
    case 'integer': return intLit
    case 'boolean': return boolLit
    case 'any': return anyLit
  }
}

/** A valid call: the first argument reads a field, the others are literals of the right kind. */
const callArb: fc.Arbitrary<Expr> = fc.constantFrom(...FUNCTION_SIGNATURES).chain((sig) => {
  const max = sig.maxArgs ?? sig.minArgs + 2
  return fc.integer({ min: sig.minArgs, max }).chain((n) => {
    const args: fc.Arbitrary<Expr>[] = [fieldArb]
    for (let i = 1; i < n; i++) args.push(litOfKind(argSpec(sig, i)!.kind))
    return fc.tuple(fc.tuple(...args), fc.boolean()).map(([a, ci]): Expr => ({
      kind: 'call', name: sig.name, isCaseInsensitive: ci && sig.hasInsensitiveForm, args: a, span: SPAN,
    }))
  })
})

const { condition } = fc.letrec<{ value: Expr; condition: Expr }>((tie) => ({
  // Expressions that read a field (the non-constant side of a comparison).
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fieldArb,
    callArb,
    fc.tuple(fc.constantFrom('+', '-', '*', '/', '%' as const), tie('value'), fc.oneof(intLit, floatLit), fc.boolean())
      .map(([op, v, l, swap]): Expr => ({ kind: 'arith', op, left: swap ? l : v, right: swap ? v : l, span: SPAN })),
    tie('value').map((operand): Expr => ({ kind: 'negate', operand, span: SPAN })),
  ),
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(fc.constantFrom('==', '!=', '<', '<=', '>', '>=' as const), tie('value'), anyLit, fc.boolean())
      .map(([op, v, l, swap]): Expr => ({ kind: 'compare', op, left: swap ? l : v, right: swap ? v : l, span: SPAN })),
    fc.tuple(tie('value'), fc.array(anyLit, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean())
      .map(([value, list, isNegated, isCaseInsensitive]): Expr => ({ kind: 'in', value, list, isNegated, isCaseInsensitive, span: SPAN })),
    fc.tuple(tie('value'), fc.constantFrom(':', 'like', 'regex' as const), fc.array(stringLit, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean())
      .map(([value, op, patterns, ci, list]): Expr => ({
        kind: 'match', op, isCaseInsensitive: op !== ':' && ci, value, patterns, isList: list || patterns.length > 1, span: SPAN,
      })),
    boolLit,
    fieldArb,
    tie('condition').map((operand): Expr => ({ kind: 'not', operand, span: SPAN })),
    fc.tuple(fc.constantFrom('and', 'or' as const), fc.array(tie('condition'), { minLength: 2, maxLength: 3 }))
      .map(([kind, terms]): Expr => ({ kind, terms, span: SPAN })),
  ),
}))

const categoryArb = fc.oneof(fc.constant(null), fc.constantFrom('process', 'network', 'any', 'sequence'), fc.string({ maxLength: 6 }))
const eventArb: fc.Arbitrary<EventQuery> = fc.tuple(categoryArb, condition)
  .map(([category, c]) => ({ kind: 'event', category, condition: c, span: SPAN }))
const keysArb = (n: number) => fc.array(fc.oneof(fieldArb, callArb), { minLength: n, maxLength: n })
const termArb = (keys: number, isMissing: boolean, runs: fc.Arbitrary<number>): fc.Arbitrary<Term> =>
  fc.tuple(eventArb, keysArb(keys), runs).map(([query, k, r]) => ({ query, keys: k, isMissing, runs: r, span: SPAN }))
const maxspanArb: fc.Arbitrary<Maxspan> = fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.constantFrom<TimeUnit>('ms', 's', 'm', 'h', 'd'))
  .map(([value, unit]) => ({ value, unit, ms: value * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit], span: SPAN }))
const pipesArb: fc.Arbitrary<Pipe[]> = fc.array(fc.record({ kind: fc.constantFrom('head', 'tail' as const), count: fc.integer({ min: 1, max: 10_000 }) })
  .map((p) => ({ ...p, span: SPAN })), { maxLength: 2 })

const sequenceArb: fc.Arbitrary<Query['base']> = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }), fc.option(maxspanArb))
  .chain(([topKeys, termKeys, maxspan]) => fc.tuple(
    keysArb(topKeys),
    fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 100 })), { minLength: 2, maxLength: 4 })
      .chain((shape) => fc.tuple(...shape.map(([m, r], i) => termArb(termKeys, maxspan !== null && m && i > 0, fc.constant(r))))),
    fc.option(termArb(termKeys, false, fc.constant(1))),
  ).map(([keys, terms, until]) => ({ kind: 'sequence' as const, keys, maxspan, terms, until, span: SPAN })))

const sampleArb: fc.Arbitrary<Query['base']> = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }))
  .chain(([topKeys, termKeys]) => fc.tuple(keysArb(topKeys), fc.array(termArb(termKeys, false, fc.constant(1)), { minLength: 1, maxLength: 3 }))
    .map(([keys, terms]) => ({ kind: 'sample' as const, keys, terms, span: SPAN })))

const queryArb: fc.Arbitrary<Query> = fc.tuple(fc.oneof(eventArb, sequenceArb, sampleArb), pipesArb)
  .map(([base, pipes]) => ({ base, pipes, span: SPAN }))

describe('printer: round trip (property)', () => {
  it('parse(printExpr(e)) equals e for generated valid conditions', () => {
    fc.assert(fc.property(condition, (e) => {
      const text = printExpr(e)
      const r = parseExpression(text)
      if (!r.ok) throw new Error(`${text}\n${r.errors.map((x) => renderError(text, x)).join('\n')}`)
      assert.deepEqual(stripSpans(r.value), stripSpans(e))
    }), { numRuns: 1500 })
  })
  it('parse(print(q)) equals q for generated valid queries', () => {
    fc.assert(fc.property(queryArb, (q) => {
      const text = print(q)
      const r = parse(text)
      if (!r.ok) throw new Error(`${text}\n${r.errors.map((x) => renderError(text, x)).join('\n')}`)
      assert.deepEqual(stripSpans(r.value), stripSpans(q))
    }), { numRuns: 700 })
  })
})
