import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { compileKeys, compositeId } from './keys.js'
import { key } from './testing.js'
import type { Scalar } from '../eql/index.js'

const cases: ReadonlyArray<readonly [string, readonly string[], Record<string, unknown>, unknown[][]]> = [
  ['scalar', ['a'], { a: 'x' }, [['x']]],
  ['null drops', ['a'], {}, []],
  ['optional null kept', ['?a'], {}, [[null]]],
  ['array of nulls is null', ['?a'], { a: [null, null] }, [[null]]],
  ['empty array drops', ['a'], { a: [] }, []],
  ['distinct values, nulls skipped', ['a'], { a: ['x', null, 'y', 'x'] }, [['x'], ['y']]],
  ['cartesian product', ['a', 'b'], { a: ['x', 'y'], b: [1, 2] }, [['x', 1], ['x', 2], ['y', 1], ['y', 2]]],
  ['one null component drops all', ['a', 'b'], { a: ['x', 'y'] }, []],
  ['no keys: one empty key', [], {}, [[]]],
]

for (const [name, fields, event, expected] of cases) {
  test(`keys: ${name}`, () => {
    assert.deepEqual(compileKeys(fields.map(key))(event).map((k) => k.values), expected)
  })
}

// Every key of one query has the same arity, so ids need only be collision-free within an arity.
test('property: key ids are equal exactly when the typed values are equal', () => {
  const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -3, max: 3 }), fc.boolean(), fc.constant(null), fc.constantFrom('n1;', 's1:a', 'z', 'T', '1', 'null', 'true'))
  const pair = fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(fc.array(scalar, { minLength: n, maxLength: n }), fc.array(scalar, { minLength: n, maxLength: n })))
  fc.assert(fc.property(pair, ([a, b]: [Scalar[], Scalar[]]) => {
    const same = a.length === b.length && a.every((x, i) => Object.is(x, b[i]) || (x === 0 && b[i] === 0))
    assert.equal(compositeId(a) === compositeId(b), same)
  }), { numRuns: 5000 })
})
