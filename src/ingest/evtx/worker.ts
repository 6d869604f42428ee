// Worker-thread entry for workers.ts: decodes one chunk per message and posts its records back.

import { parentPort } from 'node:worker_threads'
import { parseChunk } from './chunk.js'
import type { ChunkRequest, ChunkResponse } from './workers.js'

const port = parentPort
if (port !== null) {
  port.on('message', (m: ChunkRequest) => {
    let res: ChunkResponse
    try {
      const bytes = Buffer.from(m.bytes, m.byteOffset, m.length)
      res = { seq: m.seq, json: JSON.stringify(parseChunk(bytes, { file: m.file, offset: m.offset, checksums: m.checksums })) }
    } catch (e) {
      res = { seq: m.seq, error: e instanceof Error ? e.message : String(e) }
    }
    port.postMessage(res)
  })
}
