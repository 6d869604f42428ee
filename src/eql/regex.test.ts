import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compileLuceneRegex, intervalRegex, translateLuceneRegex } from './regex.js'

// [Lucene pattern, value, case-insensitive?, expected full match]
const cases: [string, string, boolean, boolean][] = [
  ['abc', 'abc', false, true],
  ['abc', 'xabc', false, false], // anchored at both ends
  ['abc', 'abcx', false, false],
  ['ABC', 'abc', true, true],
  ['ABC', 'abc', false, false],
  ['a.c', 'a\nc', false, true], // `.` matches any character, newline included
  ['.*?net1[ ]+localgroup.*?', 'net1  localgroup admins', false, true],
  ['.*?net1[ ]+[a-z]{4,15}[ ]+.*?', 'c:\\net1 localgroup x', false, true],
  ['.*?net[1]?  localgroup.*?', 'net  localgroup', false, true],
  ['^a$', '^a$', false, true], // ^ and $ are ordinary characters
  ['^a$', 'a', false, false],
  ['a"b.c"d', 'ab.cd', false, true], // quoted literal
  ['a"b.c"d', 'abxcd', false, false],
  ['\\d+', '123', false, true],
  ['\\d+', '12a', false, false],
  ['\\w+\\s\\w+', 'ab_1 c', false, true],
  ['\\n', 'n', false, true], // Lucene: an escaped letter is that letter
  ['\\.', '.', false, true],
  ['a@', 'a anything', false, true], // @ = any string
  ['a#', 'a', false, false], // # = empty language
  ['a|b', 'b', false, true],
  ['(ab)+', 'ababab', false, true],
  ['a**', 'aaa', false, true], // stacked repetition
  ['a{2}', 'aa', false, true],
  ['a{2,}', 'aaaa', false, true],
  ['a{2,3}', 'aaaa', false, false],
  ['[^a-c]x', 'dx', false, true],
  ['[^a-c]x', 'bx', false, false],
  ['[\\]]', ']', false, true],
  ['file<1-12>', 'file7', false, true],
  ['file<1-12>', 'file12', false, true],
  ['file<1-12>', 'file13', false, false],
  ['file<1-12>', 'file007', false, true], // different widths: leading zeros allowed
  ['file<01-12>', 'file07', false, true], // same width: fixed digits
  ['file<01-12>', 'file7', false, false],
  ['()a', 'a', false, true],
  ['ü', 'Ü', true, true],
]

describe('compileLuceneRegex', () => {
  for (const [pattern, value, ci, expected] of cases) {
    it(`${JSON.stringify(value)} ${ci ? 'regex~' : 'regex'} ${JSON.stringify(pattern)} → ${expected}`, () => {
      const r = compileLuceneRegex(pattern, ci)
      assert.ok(r.ok, r.ok ? '' : r.problem.message)
      assert.equal(r.test(value), expected)
    })
  }

  // [pattern, code, message part, offset]
  const errors: [string, 'syntax' | 'unsupported', string, number][] = [
    ['a&b', 'unsupported', 'intersection', 1],
    ['~a', 'unsupported', 'complement', 0],
    ['a<ipv4>', 'unsupported', 'named automaton', 1],
    ['a{2000}', 'unsupported', 'above 1000', 1],
    ['(ab', 'syntax', 'close the group', 0],
    ['[ab', 'syntax', 'close the character class', 0],
    ['a{x}', 'syntax', 'integer expected', 1],
    ['[z-a]', 'syntax', 'range', 0],
    ['ab\\', 'syntax', 'backslash', 3],
    ['a"bc', 'syntax', 'unterminated', 1],
    ['a)', 'syntax', 'unexpected [)]', 1],
  ]
  for (const [pattern, code, part, offset] of errors) {
    it(`rejects ${JSON.stringify(pattern)} (${code})`, () => {
      const r = compileLuceneRegex(pattern, false)
      assert.equal(r.ok, false)
      if (r.ok) return
      assert.equal(r.problem.code, code)
      assert.match(r.problem.message, new RegExp(part.replace(/[[\]()]/g, '\\$&')))
      assert.equal(r.problem.offset, offset)
    })
  }

  // No clock in the assertion: a backtracking engine needs ~2^5000 steps on this input and would never
  // return: a regression shows as a run that never ends rather than a flaky clock.
  it('runs in linear time on a classic catastrophic pattern', () => {
    const r = compileLuceneRegex('(a+)+b', false)
    assert.ok(r.ok)
    assert.equal(r.ok && r.test('a'.repeat(5000)), false)
  })

  it('interval regexes cover exactly the range', () => {
    const re = new RegExp(`^(?:${intervalRegex(7n, 123n, 0)})$`)
    for (let i = 0; i < 200; i++) assert.equal(re.test(String(i)), i >= 7 && i <= 123, String(i))
    const fixed = new RegExp(`^(?:${intervalRegex(5n, 20n, 3)})$`)
    assert.equal(fixed.test('005'), true)
    assert.equal(fixed.test('020'), true)
    assert.equal(fixed.test('21'), false)
    assert.equal(fixed.test('5'), false)
  })

  it('translates to RE2 text', () => {
    const t = translateLuceneRegex('a.b')
    assert.deepEqual(t, { ok: true, re2: 'a.b' })
  })
})
