import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { EqlErrorCode } from './errors.js'
import { renderError } from './errors.js'
import { parse } from './parser.js'
import { validate } from './validate.js'

describe('validator: rejects what Elasticsearch rejects', () => {
  // query, code, message (substring), position, hint (substring) or null
  const cases: [string, EqlErrorCode, string, string, string | null][] = [
    // operators and literals
    ['process where a = 1', 'unsupported', 'Single [=] is not a supported operator', 'line 1:17', 'use =='],
    ["process where a == 'x'", 'unsupported', `Use double quotes ["] to define string literals, not single quotes [']`, 'line 1:20', '"…"'],
    ['process where a == ?"x"', 'unsupported', 'Use triple double quotes ["""] to define unescaped string literals, not [?"]', 'line 1:20', '"""…"""'],
    ["process where a == ?'x'", 'unsupported', "not [?']", 'line 1:20', '"""…"""'],
    ['process where a !: "x"', 'unsupported', 'Operator [!:] is not supported', 'line 1:17', 'not field : "value"'],
    ['process where a : 5', 'type', 'Pattern of [:] must be [string], found value [5] type [integer]', 'line 1:19', '"…"'],
    ['process where a like~ ("x", null)', 'type', 'Pattern of [like~] must be [string], found value [null] type [null]', 'line 1:29', null],
    ['process where a regex true', 'type', 'Pattern of [regex] must be [string], found value [true] type [boolean]', 'line 1:23', null],
    // functions
    ['process where foo(a) == 1', 'unknown-function', 'Unknown function [foo]', 'line 1:15', null],
    ['process where startwith(a, "x")', 'unknown-function', 'Unknown function [startwith], did you mean [startsWith]?', 'line 1:15', null],
    ['process where len(a) == 1', 'unknown-function', 'Unknown function [len]', 'line 1:15', null],
    ['process where arrayContains(a, "x")', 'unknown-function', 'Unknown function [arrayContains]', 'line 1:15', 'Endgame-only'],
    ['process where wildcard(a, "x*")', 'unknown-function', 'Unknown function [wildcard]', 'line 1:15', 'field : "pattern*"'],
    ['process where match(a, "x.*")', 'unknown-function', 'Unknown function [match]', 'line 1:15', 'regex'],
    ['process where safe(a) == 1', 'unknown-function', 'Unknown function [safe]', 'line 1:15', 'Endgame-only'],
    ['process where arraySearch(a, x, true)', 'unknown-function', 'Unknown function [arraySearch]', 'line 1:15', 'Endgame-only'],
    ['process where matchLite(a, "x")', 'unknown-function', 'Unknown function [matchLite]', 'line 1:15', 'regex'],
    ['process where arrayCount(a, x, true) == 1', 'unknown-function', 'Unknown function [arrayCount]', 'line 1:15', 'Endgame-only'],
    ['process where length(a, b) == 1', 'arity', 'Function [length] expects 1 argument but found [2]', 'line 1:15', null],
    ['process where substring(a) == "x"', 'arity', 'Function [substring] expects 2 to 3 arguments but found [1]', 'line 1:15', null],
    ['process where cidrMatch(a)', 'arity', 'Function [cidrMatch] expects at least 2 arguments but found [1]', 'line 1:15', null],
    ['process where concat() == "x"', 'arity', 'Function [concat] expects at least 1 argument', 'line 1:15', null],
    ['process where length(1) == 1', 'type', 'first argument of [length(1)] must be [string], found value [1] type [integer]', 'line 1:22', null],
    ['process where cidrMatch(source.ip, 5)', 'type', 'second argument of [cidrMatch(source.ip, 5)] must be [string], found value [5] type [integer]', 'line 1:36', null],
    ['process where cidrMatch(source.ip, x)', 'type', 'second argument of [cidrMatch(source.ip, x)] must be a constant, received [x]', 'line 1:36', null],
    ['process where between(a, "b", "c", "x") == ""', 'type', 'fourth argument of [between(a, "b", "c", "x")] must be [boolean], found value [x] type [keyword]', 'line 1:36', null],
    ['process where substring(a, 1.5) == "x"', 'type', 'second argument of [substring(a, 1.5)] must be [integer], found value [1.5] type [float]', 'line 1:28', null],
    ['process where add(a, "1") == 2', 'type', 'second argument of [add(a, "1")] must be [numeric]', 'line 1:22', null],
    ['process where length~(a) == 1', 'type', 'Function [length] does not have a case-insensitive [~] form', 'line 1:15', 'only between'],
    // field-vs-field
    ['process where a == b', 'field-comparison', 'Comparisons against fields are not (currently) supported; offender [b] in [==]', 'line 1:20', null],
    ['process where a.x < b.y', 'field-comparison', 'offender [b.y] in [<]', 'line 1:21', null],
    ['process where length(a) == length(b)', 'field-comparison', 'offender [length(b)] in [==]', 'line 1:28', null],
    ['process where a + 1 != b', 'field-comparison', 'offender [b] in [!=]', 'line 1:24', null],
    ['process where a in ("x", b)', 'field-comparison', 'offender [b] in [in]', 'line 1:26', null],
    ['process where a in (1 + 1)', 'type', 'Values of [in] must be literals, found [1 + 1]', 'line 1:21', null],
    // a predicate binds to the primary before it (ES's `operatorExpression: primaryExpression predicate?`)
    ['process where a + 1 in (2)', 'type', 'Second argument of [a + 1 in (…)] must be [numeric], found value [1 in (…)] type [boolean]', 'line 1:19', '(a + 1) in (2)'],
    ['process where -a : "x"', 'type', 'Argument of [-a : …] must be [numeric], found value [a : …] type [boolean]', 'line 1:16', 'parentheses'],
    ['process where -5 in (5)', 'type', 'Argument of [-5 in (…)] must be [numeric]', 'line 1:16', null],
    ['process where +a in (5)', 'type', 'Argument of [+a in (5)] must be [numeric]', 'line 1:16', '(+a) in (1)'],
    ['process where a * "x" == 1', 'type', 'Second argument of [a * "x"] must be [numeric], found value ["x"] type [keyword]', 'line 1:19', null],
    ['process where a : "x" : "y"', 'syntax', "extraneous input ':'", 'line 1:23', null],
    // Endgame-only syntax
    ['join [a where true] [b where true]', 'unsupported', 'Join is not supported', 'line 1:1', 'sequence'],
    ['process where descendant of [process where true]', 'unsupported', 'Process relationships are not supported [descendant of]', 'line 1:15', 'sequence'],
    ['process where child of [process where true]', 'unsupported', 'Process relationships are not supported [child of]', 'line 1:15', null],
    ['process where event of [process where true]', 'unsupported', 'Process relationships are not supported [event of]', 'line 1:15', null],
    ['sequence [a where true] fork [b where true]', 'unsupported', 'Fork is not supported', 'line 1:25', null],
    ['macro F(x) x == 1', 'unsupported', '[macro] definitions are not supported', 'line 1:1', 'inline'],
    ['const X = 1', 'unsupported', '[const] definitions are not supported', 'line 1:1', null],
    ['process where a:length() == 1', 'unsupported', 'Method syntax [a:length()] is not supported', 'line 1:15', 'length(a)'],
    ['process where a[0] == 1', 'unsupported', 'Array indexes are not supported', 'line 1:16', 'any value'],
    ['process where a.b[0][1] == 1', 'unsupported', 'Array indexes are not supported', 'line 1:18', 'any value'],
    ['process where event.sequence == 1', 'syntax', 'Field name segment [sequence] is a reserved word', 'line 1:21', '`sequence`'],
    ['process where true | count', 'unsupported', 'Pipe [count] is not supported', 'line 1:22', 'head N'],
    ['process where true | unique a', 'unsupported', 'Pipe [unique] is not supported', 'line 1:22', null],
    ['process where true | unique_count a', 'unsupported', 'Pipe [unique_count] is not supported', 'line 1:22', null],
    ['process where true | filter a == 1', 'unsupported', 'Pipe [filter] is not supported', 'line 1:22', null],
    ['process where true | sort a', 'unsupported', 'Pipe [sort] is not supported', 'line 1:22', null],
    ['process where true | frobnicate', 'unsupported', 'Unrecognized pipe [frobnicate]', 'line 1:22', null],
    // sequences and samples
    ['sequence with maxspan=1m by a [x where true] [y where true]', 'syntax', 'Please specify sequence [by] before [with] not after', 'line 1:26', 'sequence by'],
    ['sequence [x where true] with runs=0 [y where true]', 'syntax', 'A positive runs value is required; found [0]', 'line 1:10', null],
    ['sequence [x where true] with runs=101', 'syntax', 'A query cannot be repeated more than 100 times; found [101]', 'line 1:10', null],
    ['sequence [x where true] ![y where true] [z where true]', 'syntax', 'requires [with maxspan]', 'line 1:25', 'maxspan'],
    ['sequence with maxspan=1s ![x where true] ![y where true]', 'syntax', 'at least one positive (non-missing) term', 'line 1:1', null],
    ['sequence [x where true]', 'syntax', 'A sequence requires a minimum of 2 queries, found [1]', 'line 1:1', 'runs=N'],
    ['sequence by a [x where true] by b [y where true]', 'syntax', 'Inconsistent number of join keys specified; expected [1] but found [0]', 'line 1:35', null],
    ['sequence [x where true] by a [y where true] by a, b', 'syntax', 'expected [1] but found [2]', 'line 1:48', null],
    ['sequence [x where true] by a [y where true] by b until [z where true]', 'syntax', 'expected [1] but found [0]', 'line 1:56', null],
    ['sequence [x where true] [y where true] until ![z where true]', 'syntax', 'The [until] term cannot be a missing event', 'line 1:46', null],
    ['sequence [x where true] [y where true] until [z where true] with runs=2', 'syntax', 'The [until] term cannot use [runs]', 'line 1:46', null],
    ['sample by a with maxspan=1s [x where true] [y where true]', 'syntax', 'Samples do not support [with maxspan]', 'line 1:13', null],
    ['sample by a [x where true] [y where true] until [z where true]', 'syntax', 'Samples do not support [until]', 'line 1:43', null],
    ['sample by a [x where true] ![y where true]', 'syntax', 'Samples do not support missing events', 'line 1:28', null],
    ['sample by a [x where true] with runs=2 [y where true]', 'syntax', 'Samples do not support [runs]', 'line 1:13', null],
    ['sample [x where true] by a [y where true]', 'syntax', 'expected [1] but found [0]', 'line 1:28', null],
    ['process where true | head 0', 'type', 'Pipe [head] expects a positive integer but found [0]', 'line 1:20', null],
    ['process where true | tail -3', 'type', 'Pipe [tail] expects a positive integer but found [-3]', 'line 1:20', null],
  ]
  for (const [text, code, message, position, hint] of cases) {
    it(text, () => {
      const r = parse(text)
      assert.equal(r.ok, false, 'expected a rejection')
      if (r.ok) return
      const e = r.errors.find((x) => x.message.includes(message))
      assert.ok(e, `no error with "${message}"; got ${JSON.stringify(r.errors.map((x) => renderError(text, x)))}`)
      assert.equal(e.code, code)
      assert.ok(renderError(text, e).startsWith(`${position}:`), `got ${renderError(text, e)}`)
      if (hint !== null) assert.ok(e.hint?.includes(hint), `hint: ${e.hint}`)
    })
  }
})

describe('validator: accepts valid Elasticsearch EQL', () => {
  const ok = [
    'process where a == "x" and b != 1 and c < 2.5 and d >= -1',
    'process where "x" == a',
    'process where 1 == 1',
    'process where a : "x*" and b like~ ("y?", "z") and c regex "[0-9]+" and d regex~ ("x")',
    'process where a in ("x", 1, null, true, -2.5) and b not in~ ("y")',
    'process where startsWith~(host.name, substring(user.name, 0, -1))',
    'process where cidrMatch(source.ip, "10.0.0.0/8", "192.168.0.0/16")',
    'process where between(a, "x", "y", true) == "z" and between~(a, "x", "y") == "z"',
    'process where indexOf~(a, "x", 2) == 3 and number(a, 16) == 255 and string(1) == "1"',
    'process where add(a, 1) == 2 and subtract(a, 1.5) > 0 and multiply(a, 2) < 9 and divide(a, 2) == 1 and modulo(a, 2) == 0',
    'process where concat(a, b, "c") == "abc" and length(a) > 0 and stringContains~(a, "x") and endsWith(a, "y")',
    'process where length(null) == null',
    'process where ?a.b != null',
    'process where ?x == ?y and a == ?b and ?c in (?d)',
    'process where not (a + 1) * 2 == 4',
    // predicates bind tighter than comparisons and arithmetic, as in Elasticsearch's grammar
    'process where a : "x" == true and b in (1, 2) != false and (c + 1) in (2) and (-d) in (3)',
    'process where length(a) in (1, 2) and a like "x*" == false',
    'sequence by host.id with maxspan=1m [process where true] by process.entity_id [network where true] by process.entity_id',
    'sequence with maxspan=10s [process where true] ![file where true] [network where true]',
    'sequence with maxspan=10s ![file where true] [network where true] with runs=2',
    'sequence by a [process where true] with runs=100',
    'sequence by a [x where true] [y where true] until [z where true]',
    'sample by host.id [process where true] [file where true]',
    'any where true | head 1 | tail 1',
    '"my-category" where true',
  ]
  for (const text of ok) {
    it(text, () => {
      const r = parse(text)
      assert.ok(r.ok, r.ok ? '' : r.errors.map((e) => renderError(text, e)).join('; '))
      if (r.ok) assert.deepEqual(validate(r.value), [])
    })
  }
})

describe('validator: broken twins of valid queries are rejected with a position', () => {
  // Same mutation as the detection-rules corpus check: first ` == ` written ` = `, and a dangling ` and`.
  const valid = [
    'process where process.name == "cmd.exe" and process.args : "/c"',
    'sequence by host.id with maxspan=30s [network where destination.port == 5985] [process where process.parent.name == "winrshost.exe"]',
    'sample by host.id [process where event.type == "start"] [file where true]',
    'any where length(process.name) == 7 | head 3',
  ]
  for (const text of valid) {
    it(text, () => {
      assert.ok(parse(text).ok)
      const twin = `${text.replace(' == ', ' = ')} and`
      const r = parse(twin)
      assert.equal(r.ok, false)
      if (r.ok) return
      const eq = text.indexOf(' == ') + 1
      assert.ok(r.errors.some((e) => e.code === 'unsupported' && e.span.start === eq), JSON.stringify(r.errors))
      const andAt = twin.length - 3
      assert.ok(r.errors.some((e) => e.code === 'syntax' && (e.span.start === andAt || e.span.start === twin.length)),
        r.errors.map((e) => renderError(twin, e)).join('; '))
    })
  }
})
