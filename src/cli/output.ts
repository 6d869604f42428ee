// Buffered, backpressure-aware writing to stdout or a file: results are data, so they go to stdout.
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import type { Writable } from 'node:stream'

export interface LineWriter {
  write(text: string): Promise<void>
  close(): Promise<void>
}

/** Writes to `path`, or to stdout when path is undefined or '-'. */
export function createLineWriter(path?: string): LineWriter {
  const toStdout = path === undefined || path === '-'
  const out: Writable = toStdout ? process.stdout : createWriteStream(path)
  let buf = ''
  const flush = async (): Promise<void> => {
    if (buf.length === 0) return
    const chunk = buf
    buf = ''
    if (!out.write(chunk)) await once(out, 'drain')
  }
  return {
    async write(text) {
      buf += text
      if (buf.length >= 1 << 16) await flush()
    },
    async close() {
      await flush()
      if (!toStdout) {
        out.end()
        await once(out, 'finish')
      }
    },
  }
}
