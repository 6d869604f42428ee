// Parallel chunk decoding: chunks are independent (names and templates are chunk-relative), so worker threads
// decode them while the calling thread reads ahead. Results are yielded strictly in chunk order; at most
// 8 × pool size chunks are in flight per file (deep enough to hide thread wake-up latency on a busy machine),
// so memory stays bounded. A pool can be created once and shared by many readEvtx calls (worker start-up,
// especially under tsx, costs far more than a small file).

import { Worker } from 'node:worker_threads'
import type { RawRecord } from '../types.js'
import type { ChunkJob } from './reader.js'

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
  /** The chunk's RawRecords as JSON: cheaper to pass and rebuild than a structured clone of many small objects. */
  readonly json?: string
  readonly error?: string
}

export interface EvtxWorkerPool {
  readonly size: number
  /** Decodes one chunk on a worker; the chunk's bytes are transferred (unusable afterwards). */
  readonly decode: (file: string, offset: number, bytes: Buffer, checksums: boolean) => Promise<RawRecord[]>
  /** Terminates the workers; pending decodes reject. */
  readonly close: () => Promise<void>
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

interface Waiter {
  readonly resolve: (r: RawRecord[]) => void
  readonly reject: (e: Error) => void
}

/** Starts `size` decoding workers (at least 1). Close the pool when done, or the process stays alive. */
export function createEvtxWorkerPool(size: number): EvtxWorkerPool {
  const n = Math.max(1, Math.floor(size))
  const waiting = new Map<number, Waiter>()
  const busy: number[] = new Array<number>(n).fill(0)
  const owner = new Map<number, number>()
  let failure: Error | undefined
  let seq = 0
  const fail = (e: Error): void => {
    failure ??= e
    for (const w of waiting.values()) w.reject(e)
    waiting.clear()
  }
  const pool = Array.from({ length: n }, (_, i) => {
    const w = spawnWorker()
    w.on('message', (m: ChunkResponse) => {
      const p = waiting.get(m.seq)
      busy[i]!--
      owner.delete(m.seq)
      if (p === undefined) return
      waiting.delete(m.seq)
      if (m.json !== undefined) p.resolve(JSON.parse(m.json) as RawRecord[])
      else p.reject(new Error(m.error ?? 'worker returned nothing'))
    })
    w.on('error', (e) => fail(e))
    w.on('exit', (code) => { if (code !== 0) fail(new Error(`EVTX worker exited with code ${code}`)) })
    return w
  })
  return {
    size: n,
    decode(file, offset, bytes, checksums) {
      if (failure !== undefined) return Promise.reject(failure)
      const s = seq++
      let target = 0
      for (let i = 1; i < n; i++) if (busy[i]! < busy[target]!) target = i
      busy[target]!++
      owner.set(s, target)
      const done = new Promise<RawRecord[]>((resolve, reject) => waiting.set(s, { resolve, reject }))
      const req: ChunkRequest = {
        seq: s, file, offset, checksums,
        bytes: bytes.buffer as ArrayBuffer, byteOffset: bytes.byteOffset, length: bytes.length,
      }
      pool[target]!.postMessage(req, [req.bytes])
      return done
    },
    async close() {
      fail(new Error('EVTX worker pool closed'))
      await Promise.all(pool.map((w) => w.terminate()))
    },
  }
}

/** Decodes a file's chunks on the pool, yielding each chunk's notes and records in file order. */
export async function* decodeChunksInWorkers(jobs: AsyncIterable<ChunkJob>, pool: EvtxWorkerPool, file: string, checksums: boolean): AsyncGenerator<RawRecord[]> {
  const queue: { notes: readonly RawRecord[]; done: Promise<RawRecord[]> }[] = []
  const maxInFlight = pool.size * 8
  for await (const job of jobs) {
    const done = pool.decode(file, job.offset, job.bytes, checksums)
    done.catch(() => undefined) // observed when this chunk's turn comes
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
}
