// Native EVTX reader. Entry point for src/ingest autodetection (magic `ElfFile\0` → readEvtx).

export { readEvtx, readEvtxBatches, type EvtxReadOptions } from './reader.js'
export { parseChunk, type ChunkOptions } from './chunk.js'
export { createEvtxWorkerPool, type EvtxWorkerPool } from './workers.js'
export { parseFileHeader, isEvtx, type FileHeader, type ParsedFileHeader, CHUNK_SIZE, FILE_HEADER_BLOCK_SIZE } from './header.js'
export type { Json } from './render.js'
