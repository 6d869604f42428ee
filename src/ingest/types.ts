// What every reader yields. A bad record is yielded with its position, never thrown, so it is counted.

export interface SourceRef {
  readonly file: string
  /** 1-based line for line-oriented formats. */
  readonly line?: number
  /** Byte offset for binary formats (EVTX) and XML. */
  readonly offset?: number
}

export type RawRecord =
  | {
      readonly kind: 'record'
      /** The parsed record: an ECS document, an evtx_dump-style `{Event:{System,EventData}}` object, … */
      readonly raw: unknown
      readonly source: SourceRef
      /** The record's original text when it was one JSON line, so ECS input can be echoed exactly as read. */
      readonly text?: string
      /** Which reader produced it (`ndjson`, `json`, `xml`, `evtx`, …). */
      readonly format: InputFormat
    }
  | { readonly kind: 'malformed'; readonly reason: string; readonly source: SourceRef; readonly format: InputFormat }

export type InputFormat =
  | 'ndjson'      // one JSON object per line: ECS, Winlogbeat, evtx_dump/Chainsaw JSONL, NXLog, Splunk
  | 'json'        // a JSON array (or a single object) of such documents
  | 'xml'         // Windows Event XML: one <Event>, many, or <Events>
  | 'evtx'        // native Windows EVTX

export interface ReadOptions {
  readonly signal?: AbortSignal
  /** Override content-based format detection. */
  readonly format?: InputFormat
}
