// The ECS layer's entry point: raw records from any reader → ECS events, as Elastic's integrations
// would index them (shared/reference/windows-to-ecs.md). ECS input passes through untouched.
import { buildBase, finish, type MapContext } from './base.js'
import { createHostResolver } from './host.js'
import { recognize } from './recognize.js'
import { mapSecurity } from './security.js'
import { mapSysmon } from './sysmon.js'
import type { Normalized, Normalizer, NormalizerOptions } from './types.js'

export type { EcsEvent, Normalized, Normalizer, NormalizerOptions, NormalizeStatus, WindowsRecord, ArgsSplitter4688 } from './types.js'
export { splitArgvW, splitNaive } from './argv.js'
export { canonicalIp } from './ip.js'
export { uuidV5Dns } from './host.js'

const SYSMON_PROVIDER = 'microsoft-windows-sysmon'
const SECURITY_PROVIDER = 'microsoft-windows-security-auditing'

/** A normalizer with per-run state (host.* cache by computer name) and options. */
export function createNormalizer(options: NormalizerOptions = {}): Normalizer {
  const volumeMap = new Map<string, string>()
  for (const [k, v] of Object.entries(options.volumeMap ?? {})) volumeMap.set(k.toLowerCase(), v)
  const cx: MapContext = {
    hostOf: createHostResolver(options.hostIds),
    opts: {
      security4688Args: options.security4688Args ?? 'elastic8',
      wfpSwapHeuristic: options.wfpSwapHeuristic ?? true,
      winlogbeatHost: options.winlogbeatHost ?? 'agent',
      volumeMap,
      defaultSystemDrive: options.defaultSystemDrive === undefined ? 'C:' : options.defaultSystemDrive,
    },
  }
  return (raw) => normalizeWith(raw, cx)
}

/** Normalizes one record with default options (a normalizer per call: prefer createNormalizer in loops). */
export function normalize(raw: unknown): Normalized {
  return createNormalizer()(raw)
}

function normalizeWith(raw: unknown, cx: MapContext): Normalized {
  const r = recognize(raw)
  if (r.kind === 'invalid') return { event: {}, status: 'invalid', reason: r.reason }
  if (r.kind === 'ecs') return { event: r.doc, status: 'ecs', ...ecsLabels(r.doc) }
  const rec = r.record
  const d = buildBase(rec, cx)
  const provider = rec.provider.toLowerCase()
  const channel = rec.channel?.toLowerCase()
  let mapped: boolean
  if (provider === SYSMON_PROVIDER || (provider === '' && channel === 'microsoft-windows-sysmon/operational')) {
    mapped = mapSysmon(d)
  } else if (provider === SECURITY_PROVIDER || (provider === '' && channel === 'security')) {
    mapped = mapSecurity(d, cx)
  } else {
    mapped = false
  }
  const event = finish(d)
  const base = { event, provider: rec.provider || rec.channel || undefined, code: rec.eventId }
  const withNotes = d.notes !== undefined ? { ...base, notes: d.notes } : base
  return mapped
    ? { ...withNotes, status: 'mapped' }
    : { ...withNotes, status: 'unmapped', reason: `no ECS mapping for ${rec.provider || rec.channel || 'unknown provider'} event ${rec.eventId}` }
}

/** provider/code of an ECS document for the run summary (event.provider/event.code, nested or dotted). */
function ecsLabels(doc: Record<string, unknown>): { provider?: string; code?: string } {
  const ev = Object.hasOwn(doc, 'event') ? doc.event : undefined
  const get = (k: string): unknown =>
    typeof ev === 'object' && ev !== null && Object.hasOwn(ev, k) ? (ev as Record<string, unknown>)[k]
      : Object.hasOwn(doc, 'event.' + k) ? doc['event.' + k] : undefined
  const provider = get('provider') ?? get('dataset') ?? get('module')
  const code = get('code') ?? get('action')
  const out: { provider?: string; code?: string } = {}
  if (typeof provider === 'string') out.provider = provider
  if (typeof code === 'string' || typeof code === 'number') out.code = String(code)
  return out
}
