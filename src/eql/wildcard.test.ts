import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compileWildcard, hasWildcard } from './wildcard.js'

// [pattern, value, case-insensitive?, expected]
const cases: [string, string, boolean, boolean][] = [
  ['abc', 'abc', false, true],
  ['abc', 'ABC', false, false],
  ['abc', 'ABC', true, true],
  ['*', '', false, true],
  ['*', 'anything', false, true],
  ['?', '', false, false],
  ['?', 'a', false, true],
  ['?', 'ab', false, false],
  ['?', '😀', false, true], // one code point, two UTF-16 units
  ['a?c', 'a😀c', false, true],
  ['a*', 'abc', false, true],
  ['*c', 'abc', false, true],
  ['*b*', 'abc', false, true],
  ['*B*', 'abc', true, true],
  ['*B*', 'abc', false, false],
  ['a*c', 'ac', false, true],
  ['a*c', 'abcbc', false, true],
  ['a*c', 'abcb', false, false],
  ['a*b*c', 'aXbYc', false, true],
  ['a*b*c', 'acb', false, false],
  ['ab*ba', 'aba', false, false], // prefix and suffix must not overlap
  ['*node:*', 'wmic /NODE:10.0.0.1', true, true],
  ['*\\red_ttp\\winin*.*', 'C:\\red_ttp\\wininit.exe', true, true],
  ['1?', '10', false, true],
  ['1?', '1', false, false],
  ['%*%*', '%SystemRoot%\\x', false, true],
  ['*%*%*', 'a%b', false, false],
  ['winini?.exe', 'wininit.exe', false, true],
  ['lsass.e?e', 'lsass.exe', false, true],
  ['?:\\Windows\\*', 'C:\\Windows\\x', false, true],
  ['a\\*', 'a\\xyz', false, true], // backslash is not an escape
  ['a\\*', 'a*', false, false],
  ['*?*?*', 'ab', false, true],
  ['*?*?*', 'a', false, false],
  ['İx', 'i̇x', true, false], // U+0130 folds to a single "i" (Java), not "i + combining dot"
  ['İx', 'ix', true, true],
  ['i?', 'İx', true, true],
  ['ΟΔΟΣ', 'οδοσ', true, true],
  ['wmic*', 'WMIC.EXE', true, true], // in-place folded prefix
  ['wmic*', 'WMI', true, false],
  ['*.exe', 'A.EXE', true, true], // in-place folded suffix
  ['*.exe', 'exe', true, false],
  ['ä*', 'ÄRGER', true, true], // non-ASCII falls back to folding the value
  ['*ß', 'STRAß', true, true],
  ['*i', 'Xİ', true, true],
  ['ab*', 'İ', true, false], // no final-sigma special case: Σ folds to σ everywhere
]

describe('compileWildcard', () => {
  for (const [pattern, value, ci, expected] of cases) {
    it(`${JSON.stringify(value)} ${ci ? 'like~' : 'like'} ${JSON.stringify(pattern)} → ${expected}`, () => {
      assert.equal(compileWildcard(pattern, ci)(value), expected)
    })
  }

  it('is linear on adversarial input (no backtracking)', () => {
    const value = 'a'.repeat(20_000)
    const pattern = `${'*a'.repeat(50)}*b`
    const test = compileWildcard(pattern, false)
    const t0 = performance.now()
    assert.equal(test(value), false)
    assert.equal(compileWildcard(`${'*?'.repeat(30)}b`, false)(value), false)
    // generous bound: a backtracking matcher takes far longer than this on the same input
    assert.ok(performance.now() - t0 < 2000)
  })

  it('hasWildcard', () => {
    assert.equal(hasWildcard('a*'), true)
    assert.equal(hasWildcard('a?'), true)
    assert.equal(hasWildcard('a\\b'), false)
  })
})
