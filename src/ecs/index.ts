// The ECS layer's entry point: raw records from any reader → ECS events, as Elastic's integrations
// would index them (shared/reference/windows-to-ecs.md). ECS input passes through untouched.
import { buildBase, finish, type MapContext } from './base.js'
import { createHostResolver } from './host.js'
import { recognize } from './recognize.js'
import { mapSecurity } from './security.js'
import { mapPowerShell, POWERSHELL_REMOVED } from './powershell.js'
import { mapSysmon, SYSMON_REMOVED } from './sysmon.js'
import type { Normalized, Normalizer, NormalizerOptions } from './types.js'

export type { EcsEvent, Normalized, Normalizer, NormalizerOptions, NormalizeStatus, WindowsRecord, ArgsSplitter4688 } from './types.js'
export { splitArgvW, splitNaive } from './argv.js'
export { canonicalIp } from './ip.js'
export { uuidV5Dns } from './host.js'

const SYSMON_PROVIDER = 'Microsoft-Windows-Sysmon'
const SYSMON_CHANNEL = 'microsoft-windows-sysmon/operational'
const SECURITY_PROVIDER = 'Microsoft-Windows-Security-Auditing'
const POWERSHELL_PROVIDER = 'Microsoft-Windows-PowerShell'
const POWERSHELL_CHANNEL = 'microsoft-windows-powershell/operational'

/** A normalizer with per-run state (host.* cache by computer name) and options. */
export function createNormalizer(options: NormalizerOptions = {}): Normalizer {
  const volumeMap = new Map<string, string>()
  for (const [k, v] of Object.entries(options.volumeMap ?? {})) volumeMap.set(k.toLowerCase(), v)
  const users = new Map<string, Readonly<{ identifier: string }>>()
  let lastProcess: Readonly<{ pid: number; thread?: Readonly<{ id: number }> }> | undefined
  let lastTid: number | undefined
  const cx: MapContext = {
    hostOf: createHostResolver(options.hostIds),
    userOf: (sid) => {
      let u = users.get(sid)
      if (u === undefined) {
        u = Object.freeze({ identifier: sid })
        if (users.size >= 10_000) users.clear() // bounded against hostile input
        users.set(sid, u)
      }
      return u
    },
    restPlans: new Map(),
    processOf: (pid, tid) => {
      // The writer of a log (the Sysmon service, the EventLog service) is one process for long runs.
      if (lastProcess !== undefined && lastProcess.pid === pid && lastTid === tid) return lastProcess
      lastTid = tid
      lastProcess = Object.freeze(tid !== undefined ? { pid, thread: Object.freeze({ id: tid }) } : { pid })
      return lastProcess
    },
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
  if (r.kind === 'ecs') return ecsResult(r.doc)
  const rec = r.record
  const d = buildBase(rec, cx)
  const provider = rec.provider
  let mapped = false
  let removed: ReadonlySet<string> | undefined
  if (isProvider(provider, SYSMON_PROVIDER, rec.channel, SYSMON_CHANNEL)) {
    mapped = mapSysmon(d)
    if (mapped) removed = SYSMON_REMOVED
  } else if (isProvider(provider, SECURITY_PROVIDER, rec.channel, 'security')) {
    mapped = mapSecurity(d, cx)
  } else if (rec.channel?.toLowerCase() === POWERSHELL_CHANNEL && isProvider(provider, POWERSHELL_PROVIDER, rec.channel, POWERSHELL_CHANNEL)) {
    // The provider also writes other channels (Admin, Analytic) that Elastic's integration does not map.
    d.data = mapPowerShell(d)
    removed = POWERSHELL_REMOVED
    mapped = true
  }
  const event = finish(d, cx, removed)
  const label = provider || rec.channel || undefined
  if (!mapped) {
    const reason = `no ECS mapping for ${label ?? 'unknown provider'} event ${rec.eventId}`
    return { event, status: 'unmapped', provider: label, code: rec.eventId, reason }
  }
  return d.notes === undefined
    ? { event, status: 'mapped', provider: label, code: rec.eventId }
    : { event, status: 'mapped', provider: label, code: rec.eventId, notes: d.notes }
}

/** Routes by System/Provider (any case), or by channel when the provider is missing (reference §10). */
function isProvider(provider: string, name: string, channel: string | undefined, channelName: string): boolean {
  if (provider !== '') return provider === name || provider.toLowerCase() === name.toLowerCase()
  return channel !== undefined && channel.toLowerCase() === channelName
}

/** ECS input as is, labelled for the run summary by event.provider/event.code (nested or dotted). */
/** `event.<k>` of an ECS document, nested or as a dotted key. */
function eventField(doc: Record<string, unknown>, ev: unknown, k: string): unknown {
  if (typeof ev === 'object' && ev !== null && Object.hasOwn(ev, k)) return (ev as Record<string, unknown>)[k]
  return Object.hasOwn(doc, 'event.' + k) ? doc['event.' + k] : undefined
}

function ecsResult(doc: Record<string, unknown>): Normalized {
  // Runs once per ECS event: no closure here (each would be a fresh allocation per event).
  const ev = Object.hasOwn(doc, 'event') ? doc.event : undefined
  const provider = eventField(doc, ev, 'provider') ?? eventField(doc, ev, 'dataset') ?? eventField(doc, ev, 'module')
  const code = eventField(doc, ev, 'code') ?? eventField(doc, ev, 'action')
  return {
    event: doc,
    status: 'ecs',
    provider: typeof provider === 'string' ? provider : undefined,
    code: typeof code === 'string' || typeof code === 'number' ? String(code) : undefined,
  }
}
