// The contracts of the ECS layer: what normalize() returns and the one internal shape every Windows
// export format is recognised into before mapping.
import type { EcsEvent } from '../eql/index.js'
import type { EventData } from './eventdata.js'

export type { EcsEvent }

export type NormalizeStatus = 'ecs' | 'mapped' | 'unmapped' | 'invalid'

export interface Normalized {
  readonly event: EcsEvent
  /** `ecs`: input passed through untouched (same object); `mapped`: a known Windows event mapped to ECS;
   *  `unmapped`: a Windows event without an ECS mapping (kept under `winlog.*`); `invalid`: not usable. */
  readonly status: NormalizeStatus
  readonly provider?: string
  readonly code?: string
  /** Why a record is `invalid` or `unmapped`. */
  readonly reason?: string
  /** Heuristic adjustments made while mapping (e.g. `wfp-swap`), for the run summary. */
  readonly notes?: readonly string[]
}

export type Normalizer = (raw: unknown) => Normalized

/** Which `process.args` splitter to use for Security 4688 (reference §7). */
export type ArgsSplitter4688 = 'elastic8' | 'argvw'

export interface NormalizerOptions {
  /** `elastic8` (default): the naive quote-keeping split of Elastic Agent's system.security pipeline;
   *  `argvw`: CommandLineToArgvW, as Winlogbeat 7.x did. */
  readonly security4688Args?: ArgsSplitter4688
  /** Computer name (any case) → host.id, so exports of one host from several tools agree. */
  readonly hostIds?: Readonly<Record<string, string>>
  /** 5156/5157: swap inbound source/destination written local-side first (reference §6). Default true. */
  readonly wfpSwapHeuristic?: boolean
  /** NT volume device (`\device\harddiskvolume2`, any case) → drive (`C:`) for 5156 `Application` paths. */
  readonly volumeMap?: Readonly<Record<string, string>>
  /** Drive guessed for volumes absent from `volumeMap`; `null` keeps the device path. Default `C:`. */
  readonly defaultSystemDrive?: string | null
  /** Winlogbeat documents: `agent` (default) keeps the shipping agent's host.* when it is the originating
   *  computer; `computer` always derives host.* from `winlog.computer_name` like offline sources. */
  readonly winlogbeatHost?: 'agent' | 'computer'
}

/** A Windows event, whatever format it came in. String values are as rendered by Windows. */
export interface WindowsRecord {
  readonly format: 'evtx-json' | 'winlogbeat' | 'flat'
  readonly provider: string
  readonly providerGuid?: string
  /** EventID as a decimal string (`"4688"`). */
  readonly eventId: string
  readonly version?: number
  /** Level: numeric from EVTX/XML, rendered text (`information`) from Winlogbeat. */
  readonly level?: number | string
  readonly task?: number | string
  readonly opcode?: number | string
  /** Keywords mask as rendered (`0x8020000000000000`) or Winlogbeat's names (`["Audit Success"]`). */
  readonly keywords?: string | readonly string[]
  readonly channel?: string
  readonly computer?: string
  /** System/TimeCreated/@SystemTime as rendered. */
  readonly timeCreated?: string
  readonly recordId?: string
  readonly processId?: number
  readonly threadId?: number
  readonly userSid?: string
  readonly activityId?: string
  /** EventData by name, read in place (see eventdata.ts); empty, `-` and zero GUIDs count as absent. */
  readonly eventData: EventData
  /** Unnamed `<Data>` items (classic providers), in order. */
  readonly eventDataList?: readonly string[]
  readonly userData?: unknown
  readonly message?: string
  /** Winlogbeat: the shipped document, whose other fields (agent, host, event.original, …) are kept. */
  readonly doc?: Readonly<Record<string, unknown>>
}
