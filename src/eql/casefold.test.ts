import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { equalsFolded, foldCase } from './casefold.js'

describe('case folding', () => {
  it('folds one code point at a time', () => {
    assert.equal(foldCase('WMIC.EXE'), 'wmic.exe')
    assert.equal(foldCase('İSTANBUL'), 'istanbul') // Java maps U+0130 to "i"; JS would give "i̇"
    assert.equal(foldCase('ΟΔΟΣ'), 'οδοσ') // no context-dependent final sigma
    assert.equal(foldCase('ÄÖÜ'), 'äöü')
    assert.equal(foldCase('𐐀'), '𐐨') // supplementary-plane letters fold too
  })
  const eq: [string, string, boolean][] = [
    ['WMIC.exe', 'wmic.exe', true],
    ['wmic.exe', 'wmic.exe', true],
    ['wmic.ex', 'wmic.exe', false],
    ['Ärger', 'ärger', true],
    ['İx', 'ix', true],
    ['[', '{', false], // '[' + 32 is '{': only A-Z fold
  ]
  for (const [s, folded, expected] of eq) it(`equalsFolded(${s}, ${folded})`, () => assert.equal(equalsFolded(s, folded), expected))
})
