// Batches → one record at a time. Readers work a block at a time; callers mostly want records. An async
// generator with `yield*` costs ~2 µs per item on Node 20 (measured: about as much as JSON.parse of a
// 600-byte event), so this iterator hands out items of the current batch from already-resolved promises.

/** Iterates the items of each batch in order; `return()` (a consumer's `break`) closes the source. */
export function flatten<T>(batches: AsyncIterable<readonly T[]>): AsyncIterableIterator<T> {
  const source = batches[Symbol.asyncIterator]()
  let current: readonly T[] = []
  let pos = 0
  let isFinished = false
  const done = (): IteratorResult<T> => ({ value: undefined, done: true })
  const pull = async (): Promise<IteratorResult<T>> => {
    for (;;) {
      const r = await source.next()
      if (r.done) {
        isFinished = true
        current = []
        return done()
      }
      if (r.value.length > 0) {
        current = r.value
        pos = 1
        return { value: current[0]!, done: false }
      }
    }
  }
  const self: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => self,
    next: () => {
      if (pos < current.length) return Promise.resolve({ value: current[pos++]!, done: false })
      return isFinished ? Promise.resolve(done()) : pull()
    },
    return: async () => {
      if (!isFinished) {
        isFinished = true
        current = []
        await source.return?.()
      }
      return done()
    },
  }
  return self
}
