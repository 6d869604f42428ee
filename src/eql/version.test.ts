import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compareVersions } from './version.js'

describe('compareVersions (Elasticsearch version field order)', () => {
  it('sorts a mixed list', () => {
    const input = ['bad', '1.11.3', '1.2.4', '1.5.0', '1.2.4-SNAPSHOT', '20.10.0', '20.2.0', '2.0.0', '10.0.0', '1.2',
      '1.2.3.4', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0-alpha.beta', '1.0.0', 'abc', '1.2.alpha.4']
    const expected = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0', '1.2', '1.2.3.4',
      '1.2.4-SNAPSHOT', '1.2.4', '1.5.0', '1.11.3', '2.0.0', '10.0.0', '20.2.0', '20.10.0',
      // invalid versions come last, by text
      '1.2.alpha.4', 'abc', 'bad']
    assert.deepEqual([...input].sort(compareVersions), expected)
  })

  const pairs: [string, string, number][] = [
    ['1.11.3', '1.5.0', 1],
    ['1.2.4-SNAPSHOT', '1.5.0', -1],
    ['bad', '1.5.0', 1],
    ['1.5.0', '1.5.0', 0],
    ['1.0.0+build.1', '1.0.0+build.2', -1],
    ['01.2.3', '1.2.3', 1], // leading zeros make it invalid, so it sorts after valid versions
  ]
  for (const [a, b, sign] of pairs) {
    it(`${a} vs ${b}`, () => assert.equal(Math.sign(compareVersions(a, b)), sign))
  }
})
