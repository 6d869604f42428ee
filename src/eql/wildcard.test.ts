import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { compileWildcard, hasWildcard } from './wildcard.js'
import { foldCase } from './casefold.js'

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
  ['ab*', 'İ', true, false],
  ['?:\\windows\\system32\\conhost.exe', 'C:\\Windows\\System32\\conhost.exe', true, true],
  ['?:\\windows\\system32\\conhost.exe', 'C:\\Windows\\System32\\conhost.exe.bak', true, false],
  ['a*?b', 'ab', false, false],
  ['a*?b', 'axb', false, true],
  ['*a?c*', 'xxabcyy', false, true],
  ['*a?c*', 'xxacyy', false, false],
  ['a*b?d*b?d', 'abxdbxd', false, true],
  ['a*b?d*b?d', 'abxd', false, false], // the suffix may not reuse what a middle segment took
  ['??', '😀😀', false, true],
  ['?😀', 'x😀', false, true],
  ['*?', '😀', false, true],
  ['?*?', '😀', false, false], // no final-sigma special case: Σ folds to σ everywhere
]

describe('compileWildcard', () => {
  for (const [pattern, value, ci, expected] of cases) {
    it(`${JSON.stringify(value)} ${ci ? 'like~' : 'like'} ${JSON.stringify(pattern)} → ${expected}`, () => {
      assert.equal(compileWildcard(pattern, ci)(value), expected)
    })
  }

  // No clock in the assertion (speed belongs to the benchmarks): a backtracking matcher needs on the
  // order of n^50 steps here, so a regression shows as a run that never ends rather than a flaky clock.
  it('is linear on adversarial input (no backtracking)', () => {
    const value = 'a'.repeat(20_000)
    const pattern = `${'*a'.repeat(50)}*b`
    const test = compileWildcard(pattern, false)
    assert.equal(test(value), false)
    assert.equal(compileWildcard(`${'*?'.repeat(30)}b`, false)(value), false)
  })

  it('agrees with a regex oracle on random patterns and values', () => {
    const alphabet = fc.constantFrom('a', 'b', 'A', '*', '?', '\\', '😀', 'İ')
    const text = fc.array(alphabet, { maxLength: 8 }).map((cs) => cs.join(''))
    fc.assert(fc.property(text, text, fc.boolean(), (pattern, value, ci) => {
      const p = ci ? foldCase(pattern) : pattern
      const v = ci ? foldCase(value) : value
      const source = Array.from(p, (ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')
      const oracle = new RegExp(`^${source}$`, 'su').test(v)
      assert.equal(compileWildcard(pattern, ci)(value), oracle, `${JSON.stringify(value)} vs ${JSON.stringify(pattern)} ci=${ci}`)
    }), { numRuns: 2000 })
  })

  it('hasWildcard', () => {
    assert.equal(hasWildcard('a*'), true)
    assert.equal(hasWildcard('a?'), true)
    assert.equal(hasWildcard('a\\b'), false)
  })
})

// Shapes Kibana exception `matches` entries, severity-mapping patterns and `vigil hunt --rule` globs use
// (they share this matcher with EQL's `:` and `like`).
describe('compileWildcard on exception and rule-selection patterns', () => {
  const cases: readonly (readonly [string, boolean, string, boolean])[] = [
    ['cmd.exe', false, 'cmd.exe', true],
    ['cmd.exe', false, 'CMD.EXE', false],
    ['cmd.exe', true, 'CMD.EXE', true],
    ['*', false, '', true],
    ['?', false, '', false],
    ['a*b', false, 'a-b-b', true],
    ['a*b', false, 'a-b-c', false],
    ['*\\cmd.exe', true, 'C:\\Windows\\System32\\CMD.exe', true],
    ['?:\\Windows\\*\\conhost.exe', true, 'c:\\windows\\system32\\conhost.exe', true],
    ['?:\\Windows\\*\\conhost.exe', true, 'c:\\windows\\conhost.exe', false],
    ['ab*ba', false, 'aba', false],
    ['a?c*', false, 'abcdef', true],
    ['*?', false, '', false],
    ['winrm*remote*', true, 'WinRM Remote Shell', true],
  ]
  for (const [pattern, ci, value, expected] of cases) {
    it(`${JSON.stringify(pattern)}${ci ? ' (ci)' : ''} vs ${JSON.stringify(value)} → ${expected}`, () => {
      assert.equal(compileWildcard(pattern, ci)(value), expected)
    })
  }
})
