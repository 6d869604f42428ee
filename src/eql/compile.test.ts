// Operators, three-valued null logic, multi-valued fields, case rules and typed fields, as
// Elasticsearch evaluates them; plus whole queries (categories, stages, keys, time) and errors.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { parse, parseExpression } from './parser.js'
import { compile, compileCondition, tryCompile, tryCompileCondition, tryCompileExpr, type CompileOptions } from './compile.js'
import { defaultFieldTypes, mergeFieldTypes, parseMapping } from './fieldtypes.js'
import type { Expr } from './ast.js'
import type { EcsEvent, Value } from './value.js'

const mapping = parseMapping({
  properties: {
    version: { type: 'version' },
    opt: { type: 'keyword', null_value: 'NULL' },
    event_type: { type: 'keyword' },
    alias_cat: { type: 'alias', path: 'event_type' },
    when: { type: 'date', format: 'dd-MM-yyyy' },
  },
})
assert.ok(mapping.ok)
const opts: CompileOptions = { fieldTypes: mergeFieldTypes(defaultFieldTypes(), mapping.value) }

const event: EcsEvent = {
  '@timestamp': '2017-08-30T20:47:33.120Z',
  event: { category: ['process', 'network'], type: ['start'], code: 4688 },
  host: { os: { type: 'windows' } },
  process: {
    name: 'WMIC.exe', args: ['wmic', '/node:10.0.0.1', 'process', 'call'], pid: '1234', exit_code: 0,
    code_signature: { trusted: [false, true], exists: [false, 'false'] },
  },
  'process.parent.name': 'cmd.exe',
  source: { ip: '0:0:0:0:0:0:0:1', port: 5985 },
  destination: { ip: '::ffff:10.0.0.5' },
  n: 7, f: 7.5, s: 'abc', t: true, z: 0, empty: [], tags: ['a', null, 'b'], nums: [1, 5, 10],
  version: '1.11.3', opt: null, event_type: 'process', when: '17-12-2022',
  weird: JSON.parse('{"__proto__":"p","constructor":"c"}') as unknown, // own keys, as JSON.parse makes them
}

function run(text: string): Value {
  const p = parseExpression(text)
  assert.ok(p.ok, `parse: ${JSON.stringify(!p.ok && p.errors)}`)
  const c = tryCompileExpr(p.value, opts)
  assert.ok(c.ok, `compile: ${JSON.stringify(!c.ok && c.errors)}`)
  return c.value(event)
}

function table(title: string, cases: readonly (readonly [string, Value])[]): void {
  describe(title, () => {
    for (const [text, expected] of cases) it(`${text} → ${JSON.stringify(expected)}`, () => assert.deepEqual(run(text), expected))
  })
}

table('== and != (case-sensitive, literal)', [
  ['process.name == "WMIC.exe"', true], ['process.name == "wmic.exe"', false], ['process.name != "wmic.exe"', true],
  ['process.name == "WMIC*"', false], // * is a literal character for ==
  ['s == "abc"', true], ['n == 7', true], ['n == 7.0', true], ['f == 7.5', true], ['n != 8', true], ['t == true', true],
  ['missing == "x"', null], ['missing != "x"', null], ['"x" == missing', null],
  ['missing == null', true], ['missing != null', false], ['s == null', false], ['s != null', true], ['null == s', false],
  ['null == null', true], ['null != null', false], ['empty == null', true], // an empty array is no value
  ['n == "7"', true], // dynamic mapping coerces a numeric string
  ['n == "x"', null],
])

table('multi-valued fields: any value matches; != and not in negate that', [
  ['process.args == "call"', true], ['process.args == "CALL"', false], ['process.args != "call"', false],
  ['process.args != "nope"', true], ['tags == "b"', true], ['tags != "a"', false], ['tags == null', false],
  ['nums > 9', true], ['nums < 1', false], ['nums >= 10', true], ['nums in (5)', true], ['nums not in (5)', false],
  ['nums not in (6)', true], ['event.category == "network"', true],
])

table('< <= > >= (numbers numerically, strings case-sensitively)', [
  ['n < 8', true], ['n <= 7', true], ['n > 7', false], ['n >= 7.0', true], ['8 > n', true], ['-1 < n', true],
  ['f > 7', true], ['s < "abd"', true], ['s < "ABD"', false], ['s >= "abc"', true], ['missing > 1', null], ['null < 1', null],
  ['process.exit_code >= 0', true], ['process.exit_code > -1', true],
])

table('and / or / not: three-valued logic', [
  ['true and true', true], ['true and false', false], ['true and missing > 1', null], ['false and missing > 1', false],
  ['missing > 1 and false', false], ['true or missing > 1', true], ['missing > 1 or true', true], ['false or missing > 1', null],
  ['not (missing > 1)', null], ['not true', false], ['not not true', true], ['null == (missing > 1)', true],
  ['null == (n > 1)', false], ['missing > 1 or missing < 1 or s == "abc"', true], ['n > 1 and s == "abc" and t == true', true],
  ['(missing > 1 or false) and false', false], ['(missing > 1 or false) and true', null],
  ['process.code_signature.trusted and true', true], ['not process.code_signature.trusted', false], // multi-valued boolean: any
  ['process.code_signature.exists and true', false], ['process.code_signature.exists or false', false],
])

table('in / not in / in~', [
  ['s in ("x", "abc")', true], ['s in ("ABC")', false], ['s in~ ("ABC")', true], ['s not in ("x")', true],
  ['s not in ("abc")', false], ['s not in~ ("ABC")', false], ['n in (1, 7)', true], ['7 in (7.0)', true],
  ['missing in ("a")', null], ['missing not in ("a")', null], ['s in ("x", null)', null], ['s in ("abc", null)', true],
  ['s in~ ("a*")', false], // no wildcards in in~
  ['process.args in~ ("CALL")', true], ['event.code in ("4688", "1")', true], ['event.code in (4688)', true],
])

table(': like like~ (wildcards * and ?)', [
  ['process.name : "wmic.exe"', true], ['process.name : "WMIC*"', true], ['process.name : "w?ic.exe"', true],
  ['process.name like "WMIC*"', true], ['process.name like "wmic*"', false], ['process.name like~ "wmic*"', true],
  ['process.args : "*NODE:*"', true], ['process.args : ("nope", "CALL")', true], ['process.args : ("nope", "x*")', false],
  ['missing : "a*"', null], ['process.name : ""', false], ['s : "a\\\\*"', false], ['n : "7"', true],
  ['process.args like ("call", "nope")', true], ['process.args like~ ("CALL", "nope")', true],
])

table('regex regex~ (Lucene syntax, full match)', [
  ['s regex "a.c"', true], ['s regex "b"', false], ['s regex "ABC"', false], ['s regex~ "ABC"', true],
  ['process.args regex ".*node:[0-9.]+"', true], ['s regex ("x", "[a-c]+")', true], ['missing regex "a"', null],
])

table('arithmetic', [
  ['n + 1', 8], ['n - 10', -3], ['n * 2', 14], ['n / 2', 3], ['f / 2', 3.75], ['n % 4', 3], ['-n', -7], ['-n + 100', 93],
  ['n / 0', null], ['missing + 1', null], ['(1 + 3) * 2 / (3 - 1)', 4], ['nums * 2', [2, 10, 20]],
])

table('typed fields (ECS defaults and mapping)', [
  ['source.ip == "::1"', true], ['source.ip != "::1"', false], ['source.ip == "0:0:0:0:0:0:0:1"', true],
  ['source.ip != "127.0.0.1"', true], ['destination.ip == "10.0.0.5"', true], ['destination.ip in ("10.0.0.5", "::1")', true],
  ['source.ip < "::2"', true], ['destination.ip > "10.0.0.4"', true],
  ['process.pid == 1234', true], ['process.pid > 1000', true], ['process.pid == "1234"', true], ['source.port in (5985, 5986)', true],
  ['event.code == "4688"', true], ['event.code == 4688', true], ['event.code > "4000"', true], // keyword: text comparison
  ['@timestamp == "2017-08-30T20:47:33Z"', true], // the literal covers the whole second
  ['@timestamp > "2017-08-30T20:47:33Z"', false], ['@timestamp >= "2017-08-30T20:47:33Z"', true],
  ['@timestamp < "2017-08-30T20:47:34Z"', true], ['@timestamp <= "2017-08-30T20:47:33Z"', true],
  ['@timestamp == 1504126053120', true], ['@timestamp > 1504126053119', true], ['@timestamp == "2017-08-30"', true],
  ['@timestamp != "2017-08-31"', true], ['string(@timestamp)', '2017-08-30T20:47:33.120Z'],
  ['concat(when, "")', '2022-12-17T00:00Z'], // java.time leaves out zero seconds ['when == "17-12-2022"', true], ['when < "18-12-2022"', true],
  ['version > "1.5.0"', true], ['version < "1.5.0"', false], ['version == "1.11.3"', true], ['version > "bad"', false],
  ['opt == "NULL"', true], ['opt == null', false], ['alias_cat == "process"', true],
  ['weird.__proto__ == "p"', true], ['weird.constructor == "c"', true], ['s.constructor == null', true],
])

describe('compile errors are values with spans', () => {
  // [expression, code, message part, offending text]
  const cases: [string, string, string, string][] = [
    ['source.ip == "nope"', 'type', 'is not an IP string literal', '"nope"'],
    ['source.ip in ("::1", "nope")', 'type', 'is not an IP string literal', '"nope"'],
    ['@timestamp > "yesterday"', 'type', 'failed to parse date', '"yesterday"'],
    ['process.pid == "abc"', 'type', 'cannot compare a number', '"abc"'],
    ['s regex "a&b"', 'unsupported', 'intersection', '"a&b"'],
    ['s regex "(a"', 'syntax', 'close the group', '"(a"'],
  ]
  for (const [text, code, part, offender] of cases) {
    it(text, () => {
      const p = parseExpression(text)
      assert.ok(p.ok)
      const c = tryCompileExpr(p.value, opts)
      assert.equal(c.ok, false)
      if (c.ok) return
      const e = c.errors[0]
      assert.ok(e)
      assert.equal(e.code, code)
      assert.ok(e.message.includes(part), e.message)
      if (offender !== '') assert.equal(text.slice(e.span.start, e.span.end), offender)
      assert.throws(() => compileCondition(p.value, opts), /EQL compile error/)
    })
  }
})

describe('queries', () => {
  const q = (text: string, o: CompileOptions = opts) => {
    const p = parse(text)
    assert.ok(p.ok, JSON.stringify(!p.ok && p.errors))
    return compile(p.value, o)
  }

  it('event category: any value of a multi-valued category; any matches everything', () => {
    const a = q('process where true')
    const b = q('network where true')
    const c = q('file where true')
    const d = q('any where true')
    assert.ok(a.kind === 'event' && b.kind === 'event' && c.kind === 'event' && d.kind === 'event')
    assert.equal(a.match(event), true)
    assert.equal(b.match(event), true)
    assert.equal(c.match(event), false)
    assert.equal(d.match(event), true)
    assert.equal(d.match({}), true)
    assert.equal(a.match({}), false)
    assert.equal(a.match({ event: { category: 'PROCESS' } }), false) // categories are case-sensitive
  })

  it('event category field is configurable and follows aliases', () => {
    const byType = q('start where true', { ...opts, eventCategoryField: 'event.type' })
    assert.ok(byType.kind === 'event' && byType.match(event))
    const byAlias = q('process where true', { ...opts, eventCategoryField: 'alias_cat' })
    assert.ok(byAlias.kind === 'event' && byAlias.match({ event_type: 'process' }))
  })

  it('WMIC seed rule', () => {
    const wmic = q(`process where host.os.type == "windows" and event.type == "start" and
      process.name : "WMIC.exe" and process.args : "*node:*" and process.args : ("call", "set", "get") and
      not process.args : ("*/node:localhost*", "*/node:\\"127.0.0.1\\"*", "/node:127.0.0.1")`)
    assert.ok(wmic.kind === 'event')
    assert.equal(wmic.match(event), true)
    const local = { ...event, process: { ...(event['process'] as object), args: ['wmic', '/node:localhost', 'call'] } }
    assert.equal(wmic.match(local), false)
  })

  it('sequence: stages with keys (top-level first), runs expanded, until, maxspan', () => {
    const text = 'sequence by host.id with maxspan=30s [process where true] by process.pid [network where true] by source.port with runs=2 until [file where true] by ?user.name'
    const s = q(text, { ...opts, source: text })
    assert.ok(s.kind === 'sequence')
    assert.equal(s.stages.length, 3)
    assert.equal(s.maxspanMs, 30_000)
    assert.deepEqual(s.stages[0]?.keys.map((k) => k.text), ['host.id', 'process.pid'])
    assert.deepEqual(s.stages[2]?.keys.map((k) => k.text), ['host.id', 'source.port'])
    assert.deepEqual(s.until?.keys.map((k) => [k.text, k.isOptional]), [['host.id', false], ['?user.name', true]])
    assert.equal(s.stages[0]?.keys[1]?.eval(event), 1234)
    assert.equal(s.stages[0]?.keys[1]?.esType, 'long')
    assert.equal(s.stages[0]?.match(event), true)
    assert.equal(s.until?.match(event), false)
    const printed = q('sequence by host.id [process where true] [process where true]')
    assert.ok(printed.kind === 'sequence')
    assert.equal(printed.stages[0]?.keys[0]?.text, 'host.id') // labels come from the printer without source text
  })

  it('sample: stages and keys', () => {
    const s = q('sample by host.id [process where true] by user.name [network where true] by source.ip')
    assert.ok(s.kind === 'sample')
    assert.equal(s.stages.length, 2)
    assert.equal(s.stages[1]?.keys[1]?.eval(event), '::1')
  })

  it('pipes and time', () => {
    const e = q('process where true | head 5 | tail 2', { ...opts, tiebreakerField: 'process.pid' })
    assert.deepEqual(e.pipes, [{ kind: 'head', count: 5 }, { kind: 'tail', count: 2 }])
    assert.equal(e.time.timestampMs(event), Date.parse('2017-08-30T20:47:33.120Z'))
    assert.equal(e.time.timestampMs({ '@timestamp': 1516116808349 }), 1516116808349)
    assert.equal(e.time.timestampMs({ '@timestamp': '1516116808349' }), 1516116808349)
    assert.equal(e.time.timestampMs({}), null)
    assert.equal(e.time.tiebreaker?.(event), 1234)
    assert.equal(q('process where true').time.tiebreaker, null)
    const custom = q('process where true', { ...opts, timestampField: 'when' })
    assert.equal(custom.time.timestampMs(event), Date.parse('2022-12-17T00:00:00Z'))
  })

  it('reports every compile error of a query', () => {
    const p = parse('sequence [network where source.ip == "x"] [network where destination.ip == "y"]')
    assert.ok(p.ok)
    const c = tryCompile(p.value, opts)
    assert.equal(c.ok, false)
    assert.equal(!c.ok && c.errors.length, 2)
  })
})

describe('hand-built ASTs', () => {
  const span = { start: 0, end: 0 }
  it('compileCondition over an AST without the parser', () => {
    const expr: Expr = {
      kind: 'match', op: ':', isCaseInsensitive: true, isList: true, span,
      value: { kind: 'field', path: ['process', 'name'], isOptional: false, span },
      patterns: [{ kind: 'literal', type: 'string', value: 'cmd.exe', span }, { kind: 'literal', type: 'string', value: 'wmic*', span }],
    }
    const m = compileCondition(expr)
    assert.equal(m(event), true)
    assert.equal(m({ process: { name: 'CMD.EXE' } }), true)
    assert.equal(m({ process: { name: 'x' } }), false)
    assert.equal(m({}), false)
  })
})

describe('robustness', () => {
  it('compiled conditions never throw on arbitrary JSON events', () => {
    const texts = [
      'process.name : ("a*", "?b") and not process.args in~ ("x")', 'length(process.args) > 2 or startsWith(s, "a")',
      'cidrMatch(source.ip, "10.0.0.0/8") or source.ip == "::1"', '@timestamp > "2020-01-01" and n / 2 == 1',
      'between(s, "a", "c") : "b" and indexOf(s, "b", 1) == 1', 'concat(s, n, t) == "x" or number(s, 16) > 2',
      'substring(process.name, -3) regex~ "e.e" or version > "1.0"', 'string(n) like "1?" or modulo(n, 3) == 1',
    ]
    const matchers = texts.map((t) => {
      const p = parseExpression(t)
      assert.ok(p.ok, t)
      const c = tryCompileCondition(p.value, opts)
      assert.ok(c.ok, t)
      return c.value
    })
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null))))
    const fields = fc.record({
      s: value, n: value, t: value, version: value, '@timestamp': value, 'process.name': value,
      process: fc.oneof(value, fc.record({ name: value, args: value })), source: fc.oneof(value, fc.record({ ip: value })),
    }, { requiredKeys: [] })
    fc.assert(fc.property(fields, (ev) => {
      for (const m of matchers) assert.equal(typeof m(ev as EcsEvent), 'boolean')
    }), { numRuns: 300 })
  })
})
