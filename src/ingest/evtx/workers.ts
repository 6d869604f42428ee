// Parallel chunk decoding: chunks are independent (names and templates are chunk-relative), so N worker threads
// decode them while the calling thread reads ahead. Results are yielded strictly in chunk order; at most
// 2×N chunks are in flight, so memory stays bounded.

import { Worker } from 'node:worker_threads'
import type { RawRecord } from '../types.js'
import type { ChunkJob } from './reader.js'

export interface WorkerPoolOptions {
  readonly file: string
  readonly workers: number
  readonly checksums: boolean
}

/** Message to a worker: chunk bytes (transferred) and where they came from. */
export interface ChunkRequest {
  readonly seq: number
  readonly file: string
  readonly offset: number
  readonly checksums: boolean
  readonly bytes: ArrayBuffer
  readonly byteOffset: number
  readonly length: number
}

export interface ChunkResponse {
  readonly seq: number
  readonly records?: RawRecord[]
  readonly error?: string
}

/**
 * Compiled (.js) builds start worker.js directly. Under tsx (tests, `npm run vigil`) this module is .ts and
 * Node 20 does not carry tsx's loader into workers, so a tiny bootstrap registers tsx first, then imports
 * worker.ts.
 */
function spawnWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url))
  const target = JSON.stringify(new URL('./worker.ts', import.meta.url).href)
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'))
  const bootstrap = `import(${tsx}).then((m) => { m.register(); return import(${target}) })`
  return new Worker(bootstrap, { eval: true })
}

interface Pending {
  readonly notes: readonly RawRecord[]
  readonly done: Promise<RawRecord[]>
}

export async function* decodeChunksInWorkers(jobs: AsyncIterable<ChunkJob>, opts: WorkerPoolOptions): AsyncGenerator<RawRecord[]> {
  const waiting = new Map<number, { resolve: (r: RawRecord[]) => void; reject: (e: Error) => void }>()
  const pool: Worker[] = []
  let failure: Error | undefined
  const fail = (e: Error): void => {
    failure ??= e
    for (const w of waiting.values()) w.reject(e)
    waiting.clear()
  }
  for (let i = 0; i < opts.workers; i++) {
    const w = spawnWorker()
    w.on('message', (m: ChunkResponse) => {
      const p = waiting.get(m.seq)
      if (p === undefined) return
      waiting.delete(m.seq)
      if (m.records !== undefined) p.resolve(m.records)
      else p.reject(new Error(m.error ?? 'worker returned nothing'))
    })
    w.on('error', (e) => fail(e))
    w.on('exit', (code) => { if (code !== 0) fail(new Error(`EVTX worker exited with code ${code}`)) })
    pool.push(w)
  }
  const queue: Pending[] = []
  const maxInFlight = opts.workers * 2
  let seq = 0
  try {
    for await (const job of jobs) {
      if (failure !== undefined) throw failure
      const s = seq++
      const done = new Promise<RawRecord[]>((resolve, reject) => waiting.set(s, { resolve, reject }))
      done.catch(() => undefined) // rejection is observed when this chunk's turn comes
      const req: ChunkRequest = {
        seq: s, file: opts.file, offset: job.offset, checksums: opts.checksums,
        bytes: job.bytes.buffer as ArrayBuffer, byteOffset: job.bytes.byteOffset, length: job.bytes.length,
      }
      pool[s % pool.length]!.postMessage(req, [req.bytes])
      queue.push({ notes: job.notes, done })
      while (queue.length >= maxInFlight) {
        const head = queue.shift()!
        yield [...head.notes, ...(await head.done)]
      }
    }
    while (queue.length > 0) {
      const head = queue.shift()!
      yield [...head.notes, ...(await head.done)]
    }
  } finally {
    await Promise.all(pool.map((w) => w.terminate()))
  }
}
