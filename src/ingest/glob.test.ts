// Include/exclude globs: [pattern, path, matches].
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compileGlobs } from './index.js'

const cases: [string, string, boolean][] = [
  ['*.json', 'a/b/c.json', true], // no slash: the file name
  ['*.json', 'a/b/c.jsonl', false],
  ['*.json*', 'c.jsonl', true],
  ['b/*.json', 'b/c.json', true],
  ['b/*.json', 'a/b/c.json', false],
  ['**/b/*.json', 'a/b/c.json', true],
  ['**/*.evtx', 'x.evtx', true], // ** matches zero segments
  ['a/**', 'a/b/c/d', true],
  ['a/**/d', 'a/d', true],
  ['a/**/d', 'a/b/c/d', true],
  ['a/*/d', 'a/b/c/d', false], // * stays within a segment
  ['?.log', 'a.log', true],
  ['?.log', 'ab.log', false],
  ['[ab]*.xml', 'b1.xml', true],
  ['[!ab]*.xml', 'b1.xml', false],
  ['[a-c]x', 'bx', true],
  ['*.{json,ndjson}', 'x.ndjson', true],
  ['*.{json,ndjson}', 'x.xml', false],
  ['{a,b/{c,d}}/*.gz', 'b/d/x.gz', true],
  ['Security*', 'Security.evtx', true],
  ['*a*a*a*a*a*a*a*b', 'a'.repeat(2000), false], // linear-ish, no exponential backtracking
  ['./logs/*.json', 'logs/x.json', true],
  ['logs\\*.json', 'logs/x.json', true], // Windows separators
]

for (const [pattern, path, want] of cases) {
  test(`glob: ${pattern} ${want ? 'matches' : 'does not match'} ${path.length > 40 ? `${path.slice(0, 10)}…` : path}`, () => {
    assert.equal(compileGlobs([pattern])(path), want)
  })
}

test('glob: several patterns match when any does', () => {
  const m = compileGlobs(['*.xml', 'keep/**'])
  assert.deepEqual(['a.xml', 'keep/x.bin', 'other/x.bin'].map(m), [true, true, false])
})
