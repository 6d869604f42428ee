// Buffered, backpressure-aware writing to stdout or a file: results are data, so they go to stdout.
import { createWriteStream, openSync } from 'node:fs'
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { UsageError } from './errors.js'

export interface LineWriter {
  write(text: string): Promise<void>
  close(): Promise<void>
  /** True once the reader of stdout went away (`vigil … | head`): producing more output is pointless. */
  isClosed(): boolean
}

/**
 * Writes to `path`, or to stdout when path is undefined or '-'. A file that cannot be created is a
 * UsageError (exit 2) raised here, before any input is read; a closed stdout pipe (EPIPE) ends the
 * output quietly, as `grep … | head` does; any other write error rejects the next write or close.
 */
export function createLineWriter(path?: string): LineWriter {
  const toStdout = path === undefined || path === '-'
  let out: Writable
  if (toStdout) out = process.stdout
  else {
    let fd: number
    try {
      fd = openSync(path, 'w')
    } catch (e) {
      throw new UsageError(`cannot write ${path}: ${(e as Error).message}`)
    }
    out = createWriteStream(path, { fd })
  }
  let buf = ''
  let closed = false
  let failure: Error | undefined
  let rejectFailed: (e: Error) => void = () => {}
  const failed = new Promise<never>((_, reject) => { rejectFailed = reject })
  failed.catch(() => {}) // observed through `failure` when nobody is waiting
  const onError = (e: Error): void => {
    if (toStdout && (e as NodeJS.ErrnoException).code === 'EPIPE') closed = true
    else failure ??= e
    rejectFailed(e)
  }
  out.on('error', onError)
  const check = (): void => {
    if (failure !== undefined) throw failure
  }
  const flush = async (): Promise<void> => {
    check()
    if (buf.length === 0 || closed) return
    const chunk = buf
    buf = ''
    if (!out.write(chunk)) {
      try {
        await Promise.race([once(out, 'drain'), failed])
      } catch (e) {
        if (!closed) throw e
      }
    }
  }
  return {
    async write(text) {
      if (closed) return
      buf += text
      if (buf.length >= 1 << 16) await flush()
    },
    async close() {
      await flush()
      if (!toStdout) {
        out.end()
        try {
          await Promise.race([once(out, 'finish'), failed])
        } catch (e) {
          throw failure ?? e
        }
      }
      check()
    },
    isClosed: () => closed,
  }
}
