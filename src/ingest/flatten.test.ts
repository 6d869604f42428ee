// flatten: batches → items, empty batches skipped, errors passed on, an early stop closes the source.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { flatten } from './index.js'

test('flatten: items in order across batches, empty batches skipped', async () => {
  async function* batches(): AsyncGenerator<number[]> {
    yield []
    yield [1, 2]
    yield []
    yield [3]
  }
  const got: number[] = []
  for await (const n of flatten(batches())) got.push(n)
  assert.deepEqual(got, [1, 2, 3])
})

test('flatten: a source error reaches the consumer after the items before it', async () => {
  async function* batches(): AsyncGenerator<number[]> {
    yield [1]
    throw new Error('boom')
  }
  const got: number[] = []
  await assert.rejects(async () => {
    for await (const n of flatten(batches())) got.push(n)
  }, /boom/)
  assert.deepEqual(got, [1])
})

test('flatten: break closes the source', async () => {
  let closed = false
  async function* batches(): AsyncGenerator<number[]> {
    try {
      yield [1, 2, 3]
      yield [4]
    } finally {
      closed = true
    }
  }
  for await (const n of flatten(batches())) if (n === 2) break
  assert.equal(closed, true)
})
