// Property tests: any well-formed AST compiles without throwing (errors are values), and any compiled
// expression evaluates any JSON event without throwing, returning a Value; the Lucene-regex
// translation agrees with a JavaScript RegExp oracle on the syntax both share.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { Expr, FunctionName, Literal, Span } from './ast.js'
import { tryCompileExpr } from './compile.js'
import { compileLuceneRegex } from './regex.js'
import type { EcsEvent } from './value.js'

const span: Span = { start: 0, end: 1 }
const FUNCTIONS: readonly [FunctionName, number, number][] = [
  ['add', 2, 2], ['between', 3, 4], ['cidrMatch', 2, 3], ['concat', 1, 3], ['divide', 2, 2], ['endsWith', 2, 2],
  ['indexOf', 2, 3], ['length', 1, 1], ['modulo', 2, 2], ['multiply', 2, 2], ['number', 1, 2], ['startsWith', 2, 2],
  ['string', 1, 1], ['stringContains', 2, 2], ['substring', 2, 3], ['subtract', 2, 2],
]
const FIELDS = ['s', 'n', 'arr', 'obj.x', 'source.ip', '@timestamp', 'process.pid', 'event.code', 'missing', '__proto__', 'constructor']

const literal: fc.Arbitrary<Literal> = fc.oneof(
  fc.string({ maxLength: 6 }).map((v) => ({ kind: 'literal', type: 'string', value: v, span }) as const),
  fc.constantFrom('10.0.0.0/8', '::1', '2017-08-30', 'a*b?', '1.2.3').map((v) => ({ kind: 'literal', type: 'string', value: v, span }) as const),
  fc.integer({ min: -5, max: 5 }).map((v) => ({ kind: 'literal', type: 'integer', value: v, span }) as const),
  fc.double({ min: -5, max: 5, noNaN: true }).map((v) => ({ kind: 'literal', type: 'float', value: v, span }) as const),
  fc.boolean().map((v) => ({ kind: 'literal', type: 'boolean', value: v, span }) as const),
  fc.constant({ kind: 'literal', type: 'null', value: null, span } as const),
)
const stringLiteral = fc.string({ maxLength: 6 }).map((v): Literal => ({ kind: 'literal', type: 'string', value: v, span }))

const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    fc.constantFrom(...FIELDS).map((f): Expr => ({ kind: 'field', path: f.split('.'), isOptional: false, span })),
    tie('expr').map((operand): Expr => ({ kind: 'not', operand, span })),
    fc.tuple(fc.constantFrom('and', 'or'), fc.array(tie('expr'), { minLength: 2, maxLength: 3 }))
      .map(([kind, terms]): Expr => ({ kind, terms, span }) as Expr),
    fc.tuple(fc.constantFrom('==', '!=', '<', '<=', '>', '>='), tie('expr'), tie('expr'))
      .map(([op, left, right]): Expr => ({ kind: 'compare', op, left, right, span })),
    fc.tuple(tie('expr'), fc.array(literal, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean())
      .map(([value, list, isNegated, isCaseInsensitive]): Expr => ({ kind: 'in', value, list, isNegated, isCaseInsensitive, span })),
    fc.tuple(fc.constantFrom(':', 'like', 'regex'), fc.boolean(), tie('expr'), fc.array(stringLiteral, { minLength: 1, maxLength: 3 }))
      .map(([op, isCaseInsensitive, value, patterns]): Expr => ({ kind: 'match', op, isCaseInsensitive, value, patterns, isList: patterns.length > 1, span })),
    fc.tuple(fc.constantFrom('+', '-', '*', '/', '%'), tie('expr'), tie('expr'))
      .map(([op, left, right]): Expr => ({ kind: 'arith', op, left, right, span })),
    tie('expr').map((operand): Expr => ({ kind: 'negate', operand, span })),
    fc.constantFrom(...FUNCTIONS).chain(([name, min, max]) => fc.tuple(fc.array(tie('expr'), { minLength: min, maxLength: max }), fc.boolean())
      .map(([args, isCaseInsensitive]): Expr => ({ kind: 'call', name, isCaseInsensitive, args, span }))),
  ),
}))

const jsonValue = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.constantFrom('10.1.2.3', '::1', '2017-08-30T20:47:33.000Z', '1.11.3'))
const event = fc.record({
  s: jsonValue, n: jsonValue, arr: fc.array(jsonValue, { maxLength: 3 }), obj: fc.oneof(jsonValue, fc.record({ x: jsonValue })),
  'source.ip': jsonValue, '@timestamp': jsonValue, process: fc.oneof(jsonValue, fc.record({ pid: jsonValue })),
  event: fc.record({ code: jsonValue }), constructor: jsonValue,
}, { requiredKeys: [] })

/** A JSON event, with an own `__proto__` key half of the time (as JSON.parse would create it). */
function toEvent(ev: object, proto: unknown, hasProto: boolean): EcsEvent {
  const out = JSON.parse(JSON.stringify(ev)) as Record<string, unknown>
  if (hasProto) Object.defineProperty(out, '__proto__', { value: proto, enumerable: true, writable: true, configurable: true })
  return out
}

describe('compiler properties', () => {
  it('never throws: compile errors are values, evaluation returns a value', () => {
    fc.assert(fc.property(expr, fc.array(fc.tuple(event, jsonValue, fc.boolean()), { maxLength: 4 }), (e, events) => {
      const c = tryCompileExpr(e)
      if (!c.ok) {
        for (const err of c.errors) assert.ok(typeof err.message === 'string' && err.span !== undefined)
        return
      }
      for (const [ev, proto, hasProto] of events) {
        const v = c.value(toEvent(ev, proto, hasProto))
        assert.ok(v === null || ['string', 'number', 'boolean'].includes(typeof v) || Array.isArray(v), `bad value ${String(v)}`)
      }
    }), { numRuns: 400 })
  })
})

describe('Lucene regex translation vs a JavaScript RegExp oracle', () => {
  // the shared subset: letters, `.`, groups, alternation, classes, and single quantifiers
  const { re } = fc.letrec<{ re: string }>((tie) => ({
    re: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom('a', 'b', 'c', '.', '[ab]', '[^a]', '[a-c]'),
      fc.tuple(tie('re'), tie('re')).map(([x, y]) => x + y),
      fc.tuple(tie('re'), tie('re')).map(([x, y]) => `(${x}|${y})`),
      fc.tuple(tie('re'), fc.constantFrom('*', '+', '?', '{2}', '{0,2}', '{1,}')).map(([x, q]) => `(${x})${q}`),
    ),
  }))
  const value = fc.array(fc.constantFrom('a', 'b', 'c', 'A', '\n'), { maxLength: 7 }).map((cs) => cs.join(''))
  it('agrees on full matches', () => {
    fc.assert(fc.property(re, value, fc.boolean(), (pattern, v, ci) => {
      const ours = compileLuceneRegex(pattern, ci)
      assert.ok(ours.ok)
      const oracle = new RegExp(`^(?:${pattern})$`, ci ? 'si' : 's').test(v)
      assert.equal(ours.ok && ours.test(v), oracle, `${JSON.stringify(v)} regex${ci ? '~' : ''} ${pattern}`)
    }), { numRuns: 1500 })
  })
})
