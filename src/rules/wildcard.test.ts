import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compileWildcard } from './wildcard.js'

// [pattern, case-insensitive, value, expected]
const CASES: readonly (readonly [string, boolean, string, boolean])[] = [
  ['cmd.exe', false, 'cmd.exe', true],
  ['cmd.exe', false, 'CMD.EXE', false],
  ['cmd.exe', true, 'CMD.EXE', true],
  ['*', false, '', true],
  ['*', false, 'anything', true],
  ['?', false, '', false],
  ['?', false, 'a', true],
  ['a*b', false, 'ab', true],
  ['a*b', false, 'a-b-b', true],
  ['a*b', false, 'a-b-c', false],
  ['*\\cmd.exe', true, 'C:\\Windows\\System32\\CMD.exe', true],
  ['?:\\Windows\\*\\conhost.exe', true, 'c:\\windows\\system32\\conhost.exe', true],
  ['?:\\Windows\\*\\conhost.exe', true, 'c:\\windows\\conhost.exe', false],
  ['*a*a*a*a*a*b', false, 'a'.repeat(5000), false],
  ['ab*ba', false, 'aba', false],
  ['a?c*', false, 'abcdef', true],
  ['*?', false, '', false],
]

for (const [pattern, ci, value, expected] of CASES) {
  test(`wildcard ${JSON.stringify(pattern)}${ci ? ' (ci)' : ''} vs ${JSON.stringify(value.slice(0, 40))}`, () => {
    assert.equal(compileWildcard(pattern, ci)(value), expected)
  })
}

import fc from 'fast-check'

/** Reference: the same pattern as a regex (safe here: the test strings are short). */
function reference(pattern: string, value: string, ci: boolean): boolean {
  const source = pattern.split('').map((ch) => (ch === '*' ? '[\\s\\S]*' : ch === '?' ? '[\\s\\S]' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')
  return new RegExp(`^${source}$`, ci ? 'i' : '').test(value)
}

test('wildcard agrees with a regex reference on random patterns', () => {
  const alphabet = fc.constantFrom('a', 'b', 'A', '.', '\\', '*', '?')
  const text = fc.constantFrom('a', 'b', 'A', '.', '\\')
  fc.assert(fc.property(fc.array(alphabet, { maxLength: 8 }), fc.array(text, { maxLength: 12 }), fc.boolean(), (p, v, ci) => {
    const pattern = p.join('')
    const value = v.join('')
    return compileWildcard(pattern, ci)(value) === reference(pattern, value, ci)
  }), { numRuns: 3000 })
})
