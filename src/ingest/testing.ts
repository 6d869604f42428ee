// Test support (not shipped logic) shared by the reader tests.

/** The bytes of `buf` in chunks of the given sizes, cycled (one chunk when `sizes` is empty). */
export async function* chunked(buf: Buffer, sizes: readonly number[]): AsyncGenerator<Buffer> {
  let at = 0
  let k = 0
  while (at < buf.length) {
    const n = Math.max(1, sizes.length === 0 ? buf.length : sizes[k++ % sizes.length]!)
    yield buf.subarray(at, at + n)
    at += n
  }
}
