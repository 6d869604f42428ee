import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { Query } from './ast.js'
import { renderError } from './errors.js'
import { parse, parseExpression } from './parser.js'
import { stripSpans } from './testing.js'

// Builders for expected trees.
const F = (p: string, isOptional = false) => ({ kind: 'field', path: p.split('.'), isOptional })
const S = (value: string) => ({ kind: 'literal', type: 'string', value })
const I = (value: number) => ({ kind: 'literal', type: 'integer', value })
const D = (value: number) => ({ kind: 'literal', type: 'float', value })
const B = (value: boolean) => ({ kind: 'literal', type: 'boolean', value })
const NULL = { kind: 'literal', type: 'null', value: null }
const cmp = (op: string, left: unknown, right: unknown) => ({ kind: 'compare', op, left, right })
const and = (...terms: unknown[]) => ({ kind: 'and', terms })
const or = (...terms: unknown[]) => ({ kind: 'or', terms })
const not = (operand: unknown) => ({ kind: 'not', operand })
const arith = (op: string, left: unknown, right: unknown) => ({ kind: 'arith', op, left, right })
const call = (name: string, args: unknown[], isCaseInsensitive = false) => ({ kind: 'call', name, isCaseInsensitive, args })
const inList = (value: unknown, list: unknown[], isNegated = false, isCaseInsensitive = false) =>
  ({ kind: 'in', value, list, isNegated, isCaseInsensitive })
const match = (op: string, value: unknown, patterns: unknown[], isList: boolean, isCaseInsensitive = false) =>
  ({ kind: 'match', op, isCaseInsensitive, value, patterns, isList })

function expr(text: string): unknown {
  const r = parseExpression(text)
  if (!r.ok) assert.fail(`${text}: ${r.errors.map((e) => renderError(text, e)).join('; ')}`)
  return stripSpans(r.value)
}

function query(text: string): Query {
  const r = parse(text)
  if (!r.ok) assert.fail(`${text}: ${r.errors.map((e) => renderError(text, e)).join('; ')}`)
  return r.value
}

describe('parser: expressions', () => {
  const cases: [string, unknown][] = [
    ['a == 1', cmp('==', F('a'), I(1))],
    ['a != "x"', cmp('!=', F('a'), S('x'))],
    ['a < 1.5', cmp('<', F('a'), D(1.5))],
    ['a <= -2', cmp('<=', F('a'), I(-2))],
    ['a > - 2.5', cmp('>', F('a'), D(-2.5))],
    ['a >= +3', cmp('>=', F('a'), I(3))],
    ['a == true or b == false or c == null', or(cmp('==', F('a'), B(true)), cmp('==', F('b'), B(false)), cmp('==', F('c'), NULL))],
    ['a == 1 and b == 2 or c == 3', or(and(cmp('==', F('a'), I(1)), cmp('==', F('b'), I(2))), cmp('==', F('c'), I(3)))],
    ['a == 1 and (b == 2 or c == 3)', and(cmp('==', F('a'), I(1)), or(cmp('==', F('b'), I(2)), cmp('==', F('c'), I(3))))],
    ['(a == 1 and b == 2) and c == 3', and(and(cmp('==', F('a'), I(1)), cmp('==', F('b'), I(2))), cmp('==', F('c'), I(3)))],
    ['not a == 1', not(cmp('==', F('a'), I(1)))],
    ['not not a == 1 and b == 2', and(not(not(cmp('==', F('a'), I(1)))), cmp('==', F('b'), I(2)))],
    ['a + 1 * 2 == 3', cmp('==', arith('+', F('a'), arith('*', I(1), I(2))), I(3))],
    ['a - 1 - 2 == 0', cmp('==', arith('-', arith('-', F('a'), I(1)), I(2)), I(0))],
    ['(a + 1) % 2 / 3 == 0', cmp('==', arith('/', arith('%', arith('+', F('a'), I(1)), I(2)), I(3)), I(0))],
    ['-a == 1', cmp('==', { kind: 'negate', operand: F('a') }, I(1))],
    ['-(5) == a', cmp('==', { kind: 'negate', operand: I(5) }, F('a'))],
    ['a in (1, 2, "x")', inList(F('a'), [I(1), I(2), S('x')])],
    ['a not in ("x")', inList(F('a'), [S('x')], true)],
    // A predicate attaches to the primary before it, as in Elasticsearch's grammar (validate.test.ts has the
    // arithmetic cases that this makes type errors: `a + 1 in (2)` is `a + (1 in (2))`).
    ['a : "x" == true', cmp('==', match(':', F('a'), [S('x')], false), B(true))],
    ['(a + 1) in (2)', inList(arith('+', F('a'), I(1)), [I(2)])],
    ['a in~ ("x", "y")', inList(F('a'), [S('x'), S('y')], false, true)],
    ['a not in~ ("x")', inList(F('a'), [S('x')], true, true)],
    ['not a in ("x")', not(inList(F('a'), [S('x')]))],
    ['a : "x*"', match(':', F('a'), [S('x*')], false)],
    ['a : ("x*", "y?")', match(':', F('a'), [S('x*'), S('y?')], true)],
    ['a like "X*"', match('like', F('a'), [S('X*')], false)],
    ['a like~ ("x*")', match('like', F('a'), [S('x*')], true, true)],
    ['a regex "[a-z]+"', match('regex', F('a'), [S('[a-z]+')], false)],
    ['a regex~ ("x.*", "y")', match('regex', F('a'), [S('x.*'), S('y')], true, true)],
    ['?a.b == null', cmp('==', F('a.b', true), NULL)],
    ['? a == null', cmp('==', F('a', true), NULL)],
    ['`my-field`.`x``y` == 1', cmp('==', { kind: 'field', path: ['my-field', 'x`y'], isOptional: false }, I(1))],
    ['event.`sequence` == 1 and a.`in` == 2', and(cmp('==', F('event.sequence'), I(1)), cmp('==', F('a.in'), I(2)))],
    ['@timestamp > 0', cmp('>', F('@timestamp'), I(0))],
    ['cidrmatch(source.ip, "10.0.0.0/8", "::1/128")', call('cidrMatch', [F('source.ip'), S('10.0.0.0/8'), S('::1/128')])],
    ['endswith~(a, "x") and STARTSWITH(b, "y")', and(call('endsWith', [F('a'), S('x')], true), call('startsWith', [F('b'), S('y')]))],
    ['substring(a, 0, -1) == "x"', cmp('==', call('substring', [F('a'), I(0), I(-1)]), S('x'))],
    ['length(concat(a, "b", 1)) > 2', cmp('>', call('length', [call('concat', [F('a'), S('b'), I(1)])]), I(2))],
    ['stringContains~ (a, "x")', call('stringContains', [F('a'), S('x')], true)],
    ['a == """C:\\x"""', cmp('==', F('a'), S('C:\\x'))],
    ['a == "\\u{200f}"', cmp('==', F('a'), S('\u200f'))],
    ['true', B(true)],
    ['a == 1 // trailing comment', cmp('==', F('a'), I(1))],
    ['a /* inline */ == 1', cmp('==', F('a'), I(1))],
    ['a\n==\n1', cmp('==', F('a'), I(1))],
    ['a.b . c == 1', cmp('==', F('a.b.c'), I(1))],
    ['1 == 1', cmp('==', I(1), I(1))],
  ]
  for (const [text, expected] of cases) it(text, () => assert.deepEqual(expr(text), expected))

  it('folds a sign into the literal but keeps -0 as 0', () => {
    assert.deepEqual(expr('a == -0'), cmp('==', F('a'), I(0)))
    assert.ok(Object.is((expr('a == -0') as { right: { value: number } }).right.value, 0))
  })
})

describe('parser: spans', () => {
  it('gives each node its source range', () => {
    const text = 'process where a.b == "x" and not c : ("y")'
    const q = query(text)
    assert.equal(q.base.kind, 'event')
    if (q.base.kind !== 'event') return
    const cond = q.base.condition
    assert.deepEqual(cond.span, { start: 14, end: text.length })
    assert.equal(cond.kind, 'and')
    if (cond.kind !== 'and') return
    const [left, right] = cond.terms
    assert.equal(text.slice(left!.span.start, left!.span.end), 'a.b == "x"')
    assert.equal(text.slice(right!.span.start, right!.span.end), 'not c : ("y")')
    assert.deepEqual(q.span, { start: 0, end: text.length })
    assert.deepEqual(q.base.span, { start: 0, end: text.length })
  })
  it('spans a negative literal from its sign', () => {
    const r = parseExpression('x == - 5')
    assert.ok(r.ok)
    if (r.ok && r.value.kind === 'compare') assert.deepEqual(r.value.right.span, { start: 5, end: 8 })
  })
})

describe('parser: queries', () => {
  it('event queries: named, any, quoted categories', () => {
    const cats: [string, string | null][] = [
      ['process where true', 'process'],
      ['any where true', null],
      ['"my-cat" where true', 'my-cat'],
      ['"""my cat""" where true', 'my cat'],
      ['"any" where true', 'any'],
    ]
    for (const [text, cat] of cats) {
      const q = query(text)
      assert.equal(q.base.kind, 'event', text)
      if (q.base.kind === 'event') assert.equal(q.base.category, cat, text)
    }
  })

  it('sequence with keys, maxspan, runs, missing stage and until', () => {
    const q = query(`sequence by host.id, user.name with maxspan=5m
      [process where true] by process.entity_id
      [file where true] by process.entity_id with runs=3
      ![network where true] by process.entity_id
      until [process where event.type == "end"] by process.entity_id
      | head 5 | tail 2`)
    assert.equal(q.base.kind, 'sequence')
    if (q.base.kind !== 'sequence') return
    assert.deepEqual(stripSpans(q.base.keys), [F('host.id'), F('user.name')])
    assert.deepEqual(stripSpans(q.base.maxspan), { value: 5, unit: 'm', ms: 300_000 })
    assert.deepEqual(q.base.terms.map((t) => [t.query.category, t.runs, t.isMissing, t.keys.length]),
      [['process', 1, false, 1], ['file', 3, false, 1], ['network', 1, true, 1]])
    assert.equal(q.base.until?.query.category, 'process')
    assert.deepEqual(stripSpans(q.pipes), [{ kind: 'head', count: 5 }, { kind: 'tail', count: 2 }])
  })

  it('maxspan units in milliseconds', () => {
    const units: [string, number][] = [['10ms', 10], ['2s', 2000], ['3m', 180_000], ['1h', 3_600_000], ['2d', 172_800_000], ['30 s', 30_000]]
    for (const [text, ms] of units) {
      const q = query(`sequence with maxspan=${text} [a where true] [b where true]`)
      if (q.base.kind === 'sequence') assert.equal(q.base.maxspan?.ms, ms, text)
    }
  })

  it('single-term sequence with runs', () => {
    const q = query('sequence by host.id [process where true] with runs=5')
    if (q.base.kind === 'sequence') assert.equal(q.base.terms[0]!.runs, 5)
  })

  it('samples', () => {
    const q = query('sample by host.id [process where true] by user.name [file where true] by user.name')
    assert.equal(q.base.kind, 'sample')
    if (q.base.kind !== 'sample') return
    assert.deepEqual(stripSpans(q.base.keys), [F('host.id')])
    assert.deepEqual(q.base.terms.map((t) => t.query.category), ['process', 'file'])
    const noKeys = query('sample [a where true] [b where true]')
    if (noKeys.base.kind === 'sample') assert.equal(noKeys.base.keys.length, 0)
  })

  it('event query with pipes', () => {
    const q = query('process where true | tail 10')
    assert.deepEqual(stripSpans(q.pipes), [{ kind: 'tail', count: 10 }])
  })
})

describe('parser: syntax errors', () => {
  // text, first error message (substring), 'line L:C' of that error
  const cases: [string, string, string][] = [
    ['process where', 'unexpected end of query, expected an expression', 'line 1:14'],
    ['process where a == 1 and', 'unexpected end of query, expected an expression', 'line 1:25'],
    ['process where (a == 1', "unexpected end of query, expected ')'", 'line 1:22'],
    ['process where a == 1)', "extraneous input ')', expected end of query", 'line 1:21'],
    ['process a == 1', "unexpected 'a', expected 'where'", 'line 1:9'],
    ['where a == 1', "unexpected 'where', expected an event category", 'line 1:1'],
    ['process where a < b < c', 'Comparisons cannot be chained', 'line 1:21'],
    ['process where a in ()', "unexpected ')', expected an expression", 'line 1:21'],
    ['process where a in "x"', "unexpected '\"x\"', expected '(' to open the list of values", 'line 1:20'],
    ['process where a : b', 'Pattern of [:] must be a string literal, found [b]', 'line 1:19'],
    ['process where a like ("x", b)', 'Pattern of [like] must be a string literal, found [b]', 'line 1:28'],
    ['process where ?true == 1', "unexpected 'true', expected a field name after ?", 'line 1:16'],
    ['process where ?length(a) == 1', "unexpected 'length', expected a field name after ?", 'line 1:16'],
    ['process where ! a', "unexpected '!', expected an expression", 'line 1:15'],
    ['process where a ==\n  and b', "unexpected 'and', expected an expression", 'line 2:3'],
    ['sequence', "unexpected end of query, expected '[' to open a sequence term", 'line 1:9'],
    ['sequence [process where true', "unexpected end of query, expected ']'", 'line 1:29'],
    ['sequence with maxspan=30 [a where true] [b where true]', 'No time unit specified, did you mean [s] as in [30s]?', 'line 1:23'],
    ['sequence with maxspan=30sec [a where true] [b where true]', 'Unrecognized time unit [sec] in [30sec], please specify one of [ms, s, m, h, d]', 'line 1:25'],
    ['sequence with maxspan=1.5m [a where true] [b where true]', 'Decimal time interval [1.5] not supported', 'line 1:23'],
    ['sequence with maxspan=0s [a where true] [b where true]', 'A positive maxspan value is required; found [0]', 'line 1:15'],
    ['sequence with maxspan=-5s [a where true] [b where true]', 'A positive maxspan value is required; found [-5]', 'line 1:23'],
    ['sequence [a where true] with runs=1.5 [b where true]', 'A positive integer is required for runs; found [1.5]', 'line 1:35'],
    ['sequence [a where true] with maxruns=2', "unexpected 'maxruns', expected 'runs'", 'line 1:30'],
    ['process where a == 1 |', 'unexpected end of query, expected a pipe name', 'line 1:23'],
    ['process where a == 1 | head', 'Pipe [head] expects exactly one argument but found [0]', 'line 1:22'],
    ['process where a == 1 | head "x"', 'Pipe [head] expects a positive integer but found ["x"]', 'line 1:29'],
    ['process where a == 1 | head 1.5', 'Pipe [head] expects a positive integer but found [1.5]', 'line 1:29'],
    ['process where ' + '('.repeat(500) + 'a', 'Query is nested too deeply', 'line 1:'],
    ['process where ' + 'not '.repeat(500) + 'a', 'Query is nested too deeply', 'line 1:'],
    ['process where a == ' + '-'.repeat(500) + 'a', 'Query is nested too deeply', 'line 1:'],
    ['process where a == ' + Array(500).fill('1').join(' + '), 'Query is nested too deeply', 'line 1:'],
  ]
  for (const [text, message, position] of cases) {
    it(text.length > 80 ? `${text.slice(0, 60)}…` : text, () => {
      const r = parse(text)
      assert.equal(r.ok, false)
      if (r.ok) return
      const e = r.errors[0]!
      assert.ok(e.message.includes(message), `got: ${e.message}`)
      assert.ok(renderError(text, e).startsWith(position), `got: ${renderError(text, e)}`)
    })
  }

  it('reports a recoverable error and the fatal one after it', () => {
    const text = 'process where a = "x" and'
    const r = parse(text)
    assert.equal(r.ok, false)
    if (r.ok) return
    assert.deepEqual(r.errors.map((e) => [e.code, renderError(text, e)]), [
      ['unsupported', 'line 1:17: Single [=] is not a supported operator (hint: use == for case-sensitive equality or : for case-insensitive matching)'],
      ['syntax', 'line 1:26: unexpected end of query, expected an expression'],
    ])
  })

  it('recovers after a bad sequence term and reports the next one too', () => {
    const text = 'sequence by a [process where b == ] [file where c = 1 and] [network where length(1) == 1]'
    const r = parse(text)
    assert.equal(r.ok, false)
    if (r.ok) return
    assert.deepEqual(r.errors.map((e) => renderError(text, e)), [
      "line 1:35: unexpected ']', expected an expression",
      'line 1:51: Single [=] is not a supported operator (hint: use == for case-sensitive equality or : for case-insensitive matching)',
      "line 1:58: unexpected ']', expected an expression",
      'line 1:82: first argument of [length(1)] must be [string], found value [1] type [integer]',
    ])
  })

  it('reports every validation error, in order', () => {
    const text = "process where length(1) == 2 and foo(x) and a == b and b == 'x'"
    const r = parse(text)
    assert.equal(r.ok, false)
    if (r.ok) return
    assert.deepEqual(r.errors.map((e) => e.code), ['type', 'unknown-function', 'field-comparison', 'unsupported'])
  })
})

describe('parser: garbage in bulk', () => {
  // These would take minutes with a quadratic error path; linear handling returns at once.
  const cases: [string, string][] = [
    ['unknown characters', '#'.repeat(200_000)],
    ['single-quoted strings', "''".repeat(100_000)],
    ['unterminated strings', '"\n'.repeat(100_000)],
    ['bad escapes', `process where a == "${'\\u{1}'.repeat(50_000)}"`],
    ['many bad sequence terms', `sequence ${'[a where ] '.repeat(20_000)}`],
    ['a huge literal', `process where length("${'x'.repeat(1_000_000)}", 1) == 1`],
  ]
  for (const [name, text] of cases) {
    it(name, () => {
      const r = parse(text)
      assert.equal(r.ok, false)
      if (r.ok) return
      assert.ok(r.errors.length >= 1 && r.errors.length <= 100, `${r.errors.length} errors`)
      assert.ok(r.errors.every((e) => e.message.length < 400), 'messages stay short')
    })
  }
})

describe('parser: never throws', () => {
  const TOKENS = ['process', 'where', 'sequence', 'sample', 'by', 'with', 'maxspan', '=', '==', '!=', '<', ':', '!:', 'in', 'in~',
    'not', 'and', 'or', 'like~', 'regex', '(', ')', '[', '![', ']', ',', '|', 'head', 'tail', '5', '-', '1.5', '"x"', '"""y"""',
    "'z'", '?', 'a.b', '`q`', 'length', 'cidrMatch', 'until', 'runs', '30s', '+', '*', '/', '%', 'true', 'null', 'any', '//c\n',
    '/*', '*/', '.', '~', '!', '"\\u{', '`', '\\', 'join', 'of', 'descendant', '[0]']
  it('returns a Parsed value for random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
      const r = parse(s)
      return r.ok || (r.errors.length > 0 && r.errors.every((e) => e.span.start >= 0 && e.span.end <= s.length && e.span.start <= e.span.end))
    }), { numRuns: 2000 })
  })
  it('returns a Parsed value for random token soups', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), (ts) => {
      const s = ts.join(' ')
      const r = parse(s)
      const e = parseExpression(s)
      const valid = (x: typeof r | typeof e): boolean =>
        x.ok || (x.errors.length > 0 && x.errors.every((err) => err.span.start >= 0 && err.span.end <= s.length && typeof err.message === 'string'))
      return valid(r) && valid(e)
    }), { numRuns: 3000 })
  })
  it('returns a Parsed value for token soups wrapped in a valid prefix', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), (ts) => {
      const r = parse(`sequence by a with maxspan=1s [process where ${ts.join(' ')}] [file where true]`)
      return r.ok || r.errors.length > 0
    }), { numRuns: 2000 })
  })
})
