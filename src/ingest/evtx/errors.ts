// Decoding problems inside one record or one chunk. They are thrown only inside the decoder (deep recursion
// over untrusted bytes) and caught at the record/chunk boundary, where they become positioned 'malformed'
// RawRecords. Nothing outside src/ingest/evtx ever sees them thrown.

export class EvtxError extends Error {
  /** Byte position inside the chunk (chunk-relative) where the problem was found; -1 when not tied to bytes. */
  readonly position: number
  constructor(reason: string, position: number) {
    super(reason)
    this.name = 'EvtxError'
    this.position = position
  }
}
