// Many rules over one ordered event stream. Rules are indexed by the event category of each of their stages
// and, when a stage requires a field such as `process.name` to be one of a few literals, by those values too,
// so an event reaches only the rules that could use it. Each rule keeps its own engine runner; events an
// exception matches never reach that rule (Elastic filters them out of the rule's search, so on a sequence
// an exception on any member prevents the alert). Results become Elastic-shaped alerts, optionally suppressed.
import type { EqlQueryAst, RoutedStage } from './route.js'
import { parseIpv4, parseIpv4Cidr, routeStages } from './route.js'
import { fieldAccessor, type EcsEvent, type Scalar, type Value } from '../eql/index.js'
import type { CompiledQuery } from '../eql/index.js'
import type { EventRecord, QueryResult } from './types.js'
import { createRunner, stageTest, type Runner } from './runner.js'
import {
  alertField, buildEventAlert, buildSequenceAlerts, createSuppressor,
  type Alert, type AlertDecision, type AlertRule, type Suppressor,
} from '../alerts/index.js'

/** What the rule set needs from a loaded rule (rules/load.ts's LoadedRule satisfies it). */
export interface RuleSetRule {
  readonly ruleId: string
  readonly alertRule: AlertRule
  readonly ast: EqlQueryAst
  readonly query: CompiledQuery
  /** Field holding the event category (`event_category_override`); default `event.category`. */
  readonly eventCategoryField?: string
  /** True when the rule orders events by another field than `@timestamp` (`timestamp_field`). */
  readonly hasOwnTimestamp?: boolean
  readonly overrides: (members: readonly (EcsEvent | null)[]) => AlertDecision
  /** Exceptions bundled with the rule. */
  readonly exceptions?: ExceptionMatcher | null
  readonly suppression?: {
    readonly groupBy: readonly string[]
    readonly durationMs: number | null
    readonly missingFieldsStrategy: 'suppress' | 'doNotSuppress'
  } | null
}

/** rules/exceptions.ts's CompiledExceptions satisfies it. */
export interface ExceptionMatcher {
  /** Without a rule id: unscoped items only; with one: also the items scoped to that rule. */
  readonly match: (event: EcsEvent, ruleId?: string) => { readonly itemId: string; readonly name: string } | null
  /** Rules with scoped items; when given, other rules are checked against unscoped items only (once per event). */
  readonly scopedRuleIds?: ReadonlySet<string>
}

export interface RuleSetOptions {
  readonly onAlert: (alert: Alert) => void
  /** Exceptions applied to every rule (items scoped with rule ids apply to those rules only). */
  readonly exceptions?: ExceptionMatcher | null
  /** Alert creation clock (`@timestamp`); fixed clocks give byte-identical outputs. */
  readonly now?: () => Date
  /** Called when a rule's engine throws on an event: the rule is disabled, the others go on. */
  readonly onRuleError?: (ruleId: string, error: unknown) => void
}

export interface RuleStats {
  readonly ruleId: string
  readonly name: string
  /** Events routed to the rule (after the category / value index). */
  readonly events: number
  /** Events an exception removed from the rule's input. */
  readonly excepted: number
  readonly results: number
  readonly alerts: number
  readonly suppressed: number
  readonly pending: number
  readonly isDisabled: boolean
}

export interface RuleSetStats {
  readonly events: number
  /** Sum over events of the rules each was routed to: how much the index saved versus events × rules. */
  readonly routed: number
  readonly alerts: number
  readonly rules: readonly RuleStats[]
}

export interface RuleSet {
  /** Next event, in (timestamp, tiebreaker, ordinal) order: every rule sees it. */
  push(rec: EventRecord): void
  /**
   * An event as it arrives, in any order: the rules whose results do not depend on order (single-event
   * queries without pipes or suppression) see it now, while it is fresh in the cache. True when an
   * order-sensitive rule (sequence, sample, piped or suppressed query) has a stage it matches: then it must
   * also go, in order, to `pushOrdered` (through a reorder buffer); otherwise no such rule can use it.
   */
  pushArrival(rec: EventRecord): boolean
  /** Next event for the order-sensitive rules only, in (timestamp, tiebreaker, ordinal) order. */
  pushOrdered(rec: EventRecord): void
  /** Watermark: no event before `ms` will come. */
  advanceTo(ms: number): void
  /** End of input: flushes pending results and suppression windows. */
  end(): void
  stats(): RuleSetStats
}

interface Slot {
  readonly rule: RuleSetRule
  readonly runner: Runner
  /** Results depend on event order (sequence, sample, head/tail pipes, alert suppression). */
  readonly isOrdered: boolean
  /** For an ordered rule: whether some stage (or `until`) matches, i.e. the event can change its state. */
  readonly usesEvent: (event: EcsEvent) => boolean
  readonly suppressor: Suppressor | null
  /** Watermark last handed to the runner (lazy sequence runners catch up before their next event). */
  advancedTo: number
  events: number
  excepted: number
  results: number
  alerts: number
  isDisabled: boolean
}

/** Create a rule set; alerts go to `opts.onAlert` in the order their matches complete. */
export function createRuleSet(rules: readonly RuleSetRule[], opts: RuleSetOptions): RuleSet {
  const build = opts.now ? { now: opts.now } : {}
  let totalAlerts = 0
  let events = 0
  let routed = 0

  const emitAll = (slot: Slot, alerts: readonly Alert[]): void => {
    for (const a of alerts) { slot.alerts++; totalAlerts++; opts.onAlert(a) }
  }

  const slots: Slot[] = rules.map((rule) => {
    const counters = { events: 0, excepted: 0, results: 0, alerts: 0, isDisabled: false }
    let suppressor: Suppressor | null = null
    const emit = (alerts: readonly Alert[]): void => emitAll(slot, alerts)
    const onResult = (r: QueryResult): void => {
      slot.results++
      // Kibana's loop guard: a match on an alert this same rule produced would feed on itself.
      if (isOwnAlert(rule, r)) return
      const alerts = toAlerts(rule, r, build)
      if (suppressor) suppressor.offer(alerts, resultTime(r))
      else emit(alerts)
    }
    if (rule.suppression) suppressor = createSuppressor({ ruleId: rule.ruleId, version: rule.alertRule.version }, rule.suppression, emit)
    const slot: Slot = {
      rule, runner: createRunner(rule.query, { onResult }), suppressor, advancedTo: -Infinity, ...counters,
      // Suppression keeps the first alert of a window: time order, so suppressed rules take events in order.
      isOrdered: rule.query.kind !== 'event' || rule.query.pipes.length > 0 || Boolean(rule.suppression),
      usesEvent: stageTest(rule.query),
    }
    return slot
  })

  const index = buildIndex(slots.map((s) => routeStages(s.rule.ast, s.rule.eventCategoryField ?? 'event.category')))
  const suppressors = slots.filter((s) => s.suppressor !== null)
  const eventSuppressors = suppressors.filter((s) => !s.isOrdered)
  const orderedSuppressors = suppressors.filter((s) => s.isOrdered)
  // Watermarks come once per released event, and visiting every rule each time would cost more than the
  // matching. Event and sample engines ignore them. A sequence only expires partials with them, which its own
  // next event does as well, so a watermark is handed over just before that event (several coalesce into the
  // last: expiry is monotonic) — the same state at every push. A trailing missing-event stage (`![…]` last)
  // emits results when time passes, so those sequences get every watermark at once.
  const eager = slots.filter((s) => s.rule.query.kind === 'sequence' && s.rule.query.stages.at(-1)?.isMissing === true)
  const lazy = slots.filter((s) => s.rule.query.kind === 'sequence' && !eager.includes(s))
  let watermark = -Infinity
  const catchUp = (slot: Slot): void => {
    if (slot.advancedTo < watermark && !slot.isDisabled) { slot.advancedTo = watermark; slot.runner.advanceTo(watermark) }
  }
  // Per-event scratch: rules already selected for the current event (cleared after each event).
  const isSelected = new Uint8Array(slots.length)
  const selected: number[] = []
  let lastTimeMs = -Infinity
  let lastArrivalMs = -Infinity
  let lastOrderedMs = -Infinity
  /** Fills `selected` with the rules the event may reach, in rule order; counted unless `isRepeat`. */
  const select = (rec: EventRecord, isRepeat = false): void => {
    selected.length = 0
    index.select(rec.event, selected, isSelected)
    // Rule order, so interleaving does not depend on the index's layout.
    if (selected.length > 1) selected.sort(byNumber)
    if (isRepeat) return
    events++
    routed += selected.length
  }
  const advanceSuppressors = (list: readonly Slot[], ms: number): void => {
    for (const s of list) s.suppressor?.advance(ms)
  }

  const globalExceptions = opts.exceptions ?? null
  /**
   * Hands the event to one rule unless an exception removes it. `global` is whether the unscoped global
   * exceptions match (null: not evaluated yet, done at most once per event); returns it for the next rule.
   */
  const deliver = (slot: Slot, rec: EventRecord, global: boolean | null): boolean | null => {
    if (slot.isDisabled || slot.runner.isDone) return global
    const ev = rec.event
    slot.events++
    if (global === null) global = globalExceptions !== null && globalExceptions.match(ev) !== null
    const hasScoped = globalExceptions !== null && (globalExceptions.scopedRuleIds?.has(slot.rule.ruleId) ?? true)
    if (global || (hasScoped && globalExceptions.match(ev, slot.rule.ruleId) !== null)
      || (slot.rule.exceptions?.match(ev, slot.rule.ruleId) ?? null) !== null) {
      slot.excepted++
      return global
    }
    const own = slot.rule.hasOwnTimestamp ? { ...rec, timestampMs: slot.rule.query.time.timestampMs(ev) } : rec
    try {
      catchUp(slot)
      slot.runner.push(own)
    } catch (e) {
      slot.isDisabled = true
      opts.onRuleError?.(slot.rule.ruleId, e)
    }
    return global
  }

  return {
    push(rec) {
      select(rec)
      let global: boolean | null = null
      for (const i of selected) {
        const slot = slots[i]
        if (slot) global = deliver(slot, rec, global)
      }
      if (rec.timestampMs !== null && rec.timestampMs > lastTimeMs) {
        lastTimeMs = rec.timestampMs
        advanceSuppressors(suppressors, lastTimeMs)
      }
    },
    pushArrival(rec) {
      select(rec)
      let global: boolean | null = null
      let isNeeded = false
      for (const i of selected) {
        const slot = slots[i]
        if (slot === undefined) continue
        if (!slot.isOrdered) global = deliver(slot, rec, global)
        else if (!isNeeded && !slot.isDisabled && !slot.runner.isDone && slot.usesEvent(rec.event)) isNeeded = true
      }
      if (rec.timestampMs !== null && rec.timestampMs > lastArrivalMs) {
        lastArrivalMs = rec.timestampMs
        advanceSuppressors(eventSuppressors, lastArrivalMs)
      }
      return isNeeded
    },
    pushOrdered(rec) {
      select(rec, true) // counted once, in pushArrival
      let global: boolean | null = null
      for (const i of selected) {
        const slot = slots[i]
        if (slot?.isOrdered) global = deliver(slot, rec, global)
      }
      if (rec.timestampMs !== null && rec.timestampMs > lastOrderedMs) {
        lastOrderedMs = rec.timestampMs
        advanceSuppressors(orderedSuppressors, lastOrderedMs)
      }
    },
    advanceTo(ms) {
      if (ms > watermark) watermark = ms
      for (const s of eager) if (!s.isDisabled) s.runner.advanceTo(ms)
      for (const s of suppressors) s.suppressor?.advance(ms)
    },
    end() {
      for (const s of slots) {
        if (s.isDisabled) continue
        try { catchUp(s); s.runner.end() } catch (e) { s.isDisabled = true; opts.onRuleError?.(s.rule.ruleId, e) }
      }
      for (const s of suppressors) s.suppressor?.flush()
    },
    stats() {
      // Pending counts as if every watermark had been handed over.
      for (const s of lazy) {
        try { catchUp(s) } catch (e) { s.isDisabled = true; opts.onRuleError?.(s.rule.ruleId, e) }
      }
      return {
        events,
        routed,
        alerts: totalAlerts,
        rules: slots.map((s) => ({
          ruleId: s.rule.ruleId,
          name: s.rule.alertRule.name,
          events: s.events,
          excepted: s.excepted,
          results: s.results,
          alerts: s.alerts,
          suppressed: s.suppressor?.stats().suppressed ?? 0,
          pending: s.runner.stats().pending,
          isDisabled: s.isDisabled,
        })),
      }
    },
  }
}

const byNumber = (a: number, b: number): number => a - b

function toAlerts(rule: RuleSetRule, r: QueryResult, build: { now?: () => Date }): Alert[] {
  if (r.kind === 'event') return [buildEventAlert(rule.alertRule, r.record, rule.overrides([r.record.event]), build)]
  const decision = rule.overrides(r.members.map((m) => m?.event ?? null))
  return buildSequenceAlerts(rule.alertRule, r.members, decision, build)
}

function isOwnAlert(rule: RuleSetRule, r: QueryResult): boolean {
  const members = r.kind === 'event' ? [r.record] : r.members
  return members.some((m) => m !== null && alertField(m.event as Alert, 'kibana.alert.rule.rule_id') === rule.ruleId)
}

function resultTime(r: QueryResult): number | null {
  if (r.kind === 'event') return r.record.timestampMs
  let t: number | null = null
  for (const m of r.members) if (m?.timestampMs != null) t = Math.max(t ?? m.timestampMs, m.timestampMs)
  return t
}

// ---- the index ------------------------------------------------------------------------------------------

/** Rules keyed on one field in one bucket: by folded value and by folded trigram code. */
interface FieldKeys {
  /** Folded strings, or for a long field the integers as text. */
  readonly values: Map<string, number[]>
  isNumeric: boolean
  readonly grams: Map<number, number[]>
}

interface Bucket {
  /** Rules with a stage here that has no key: always candidates for this category. */
  readonly scan: Set<number>
  readonly byField: Map<string, FieldKeys>
  /** `not cidrmatch(field, ranges…)` stages, by field and ranges. */
  readonly outside: Map<string, { readonly field: string; readonly cidrs: readonly string[]; readonly rules: number[] }>
}

/** A field's keys ready for lookups. */
interface CompiledField {
  readonly read: (event: EcsEvent) => Value
  /** A long field: values are looked up as the truncated number Elasticsearch indexes. */
  readonly isNumeric: boolean
  readonly values: ReadonlyMap<string, readonly number[]> | null
  readonly grams: ReadonlyMap<number, readonly number[]> | null
  /** Low 16 bits of every trigram code present: most positions of a value are rejected without a map lookup. */
  readonly gramMask: Uint8Array | null
  /** Every rule keyed on the field: a value the keys cannot judge (not a string, not ASCII) reaches them all. */
  readonly all: readonly number[]
}

interface CompiledBucket {
  readonly scan: readonly number[]
  readonly fields: readonly CompiledField[]
  /** Rules that need an ip field with a value outside these IPv4 ranges. */
  readonly outside: readonly { readonly read: (event: EcsEvent) => Value; readonly ranges: readonly Ipv4Range[]; readonly rules: readonly number[] }[]
}

interface Ipv4Range { readonly network: number; readonly mask: number }

interface RuleIndex {
  /** Appends the rules that may use `event` to `out`, each once (`mark` is all zero before and after). */
  select(event: EcsEvent, out: number[], mark: Uint8Array): void
}

/** Folded ASCII trigram as a number (7 bits per character). */
const gramCode = (g: string): number => (g.charCodeAt(0) << 14) | (g.charCodeAt(1) << 7) | g.charCodeAt(2)

function buildIndex(perRule: readonly (readonly RoutedStage[])[]): RuleIndex {
  // category field → category (folded; '' = any) → bucket
  const fields = new Map<string, Map<string, Bucket>>()
  const addTo = <K>(map: Map<K, number[]>, key: K, rule: number): void => {
    const list = map.get(key)
    if (list) { if (!list.includes(rule)) list.push(rule) } else map.set(key, [rule])
  }
  perRule.forEach((stages, rule) => {
    for (const st of stages) {
      let cats = fields.get(st.categoryField)
      if (!cats) { cats = new Map(); fields.set(st.categoryField, cats) }
      const key = st.category === null ? '' : st.category.toLowerCase()
      let bucket = cats.get(key)
      if (!bucket) { bucket = { scan: new Set(), byField: new Map(), outside: new Map() }; cats.set(key, bucket) }
      if (st.probes === null) { bucket.scan.add(rule); continue }
      for (const p of st.probes) {
        if (p.kind === 'outside') {
          const id = `${p.field}\u0000${p.cidrs.join('\u0000')}`
          const group = bucket.outside.get(id)
          if (group) { if (!group.rules.includes(rule)) group.rules.push(rule) } else bucket.outside.set(id, { field: p.field, cidrs: p.cidrs, rules: [rule] })
          continue
        }
        let keys = bucket.byField.get(p.field)
        if (!keys) { keys = { values: new Map(), grams: new Map(), isNumeric: p.kind === 'number' }; bucket.byField.set(p.field, keys) }
        if (p.kind !== 'gram') for (const v of p.values) addTo(keys.values, v, rule)
        else for (const g of p.grams) addTo(keys.grams, gramCode(g), rule)
      }
    }
  })

  const readers = new Map<string, (event: EcsEvent) => Scalar[]>()
  const reader = (field: string): ((event: EcsEvent) => Scalar[]) => {
    let r = readers.get(field)
    if (!r) { r = valuesOf(field); readers.set(field, r) }
    return r
  }
  const compileBucket = (b: Bucket): CompiledBucket => {
    // A rule already in `scan` needs no keyed entries in the same bucket.
    const prune = <K>(m: Map<K, number[]>): Map<K, number[]> | null => {
      const out = new Map<K, number[]>()
      for (const [k, list] of m) {
        const kept = list.filter((r) => !b.scan.has(r))
        if (kept.length > 0) out.set(k, kept)
      }
      return out.size > 0 ? out : null
    }
    const compiled: CompiledField[] = []
    for (const [field, keys] of b.byField) {
      const values = prune(keys.values)
      const grams = prune(keys.grams)
      if (values === null && grams === null) continue
      let gramMask: Uint8Array | null = null
      if (grams) {
        gramMask = new Uint8Array(0x10000)
        for (const code of grams.keys()) gramMask[code & 0xffff] = 1
      }
      const all = new Set<number>()
      for (const m of [values, grams]) if (m) for (const list of m.values()) for (const r of list) all.add(r)
      compiled.push({ read: fieldAccessor(field), isNumeric: keys.isNumeric, values, grams, gramMask, all: [...all] })
    }
    const outside = [...b.outside.values()].map((g) => ({
      read: fieldAccessor(g.field),
      ranges: g.cidrs.map((c) => parseIpv4Cidr(c)).filter((r): r is Ipv4Range => r !== null),
      rules: g.rules.filter((r) => !b.scan.has(r)),
    })).filter((g) => g.rules.length > 0)
    return { scan: [...b.scan], fields: compiled, outside }
  }
  const layout = [...fields].map(([field, cats]) => {
    const compiled = new Map([...cats].map(([k, b]) => [k, compileBucket(b)] as const))
    return { read: reader(field), cats: compiled, any: compiled.get('') ?? null }
  })

  const visit = (b: CompiledBucket, event: EcsEvent, out: number[], mark: Uint8Array): void => {
    for (const r of b.scan) if (mark[r] === 0) { mark[r] = 1; out.push(r) }
    for (const f of b.fields) {
      const v = f.read(event)
      if (v !== null) probeField(f, v, out, mark)
    }
    for (const g of b.outside) {
      if (isAllInside(g.read(event), g.ranges)) continue
      for (const r of g.rules) if (mark[r] === 0) { mark[r] = 1; out.push(r) }
    }
  }

  return {
    select(event, out, mark) {
      for (const { read, cats, any } of layout) {
        if (any) visit(any, event, out, mark)
        for (const c of read(event)) {
          if (typeof c !== 'string') continue
          if (hasNonAscii(c)) {
            for (const [k, b] of cats) if (k !== '') visit(b, event, out, mark)
            continue
          }
          const b = cats.get(c.toLowerCase())
          if (b && b !== any) visit(b, event, out, mark)
        }
      }
      for (const r of out) mark[r] = 0
    },
  }
}

/**
 * True only when the field has values and every one is a canonical IPv4 address inside one of the ranges:
 * then `cidrmatch` is true whatever it does with several values, and `not cidrmatch(…)` cannot hold. A
 * missing field, an empty array, a null or anything else (IPv6, odd spellings) leaves the rule its event.
 */
function isAllInside(v: Value, ranges: readonly Ipv4Range[]): boolean {
  if (Array.isArray(v)) {
    if (v.length === 0) return false
    for (const x of v as readonly Value[]) if (!isAllInside(x, ranges)) return false
    return true
  }
  if (typeof v !== 'string') return false
  const ip = parseIpv4(v)
  if (ip === null) return false
  for (const r of ranges) if (((ip & r.mask) >>> 0) === r.network) return true
  return false
}

/** Adds the rules keyed on `f` that one value (or each value of an array) may reach; true when all were added. */
function probeField(f: CompiledField, v: Value, out: number[], mark: Uint8Array): boolean {
  if (Array.isArray(v)) {
    for (const x of v as readonly Value[]) if (x !== null && probeField(f, x, out, mark)) return true
    return false
  }
  if (f.isNumeric) {
    const key = longKey(v as Scalar)
    const list = key === null ? undefined : f.values?.get(key)
    if (list) for (const r of list) if (mark[r] === 0) { mark[r] = 1; out.push(r) }
    return false
  }
  if (typeof v !== 'string' || hasNonAscii(v)) {
    // Numbers, booleans and Unicode folding are the compiled matcher's business: every keyed rule.
    for (const r of f.all) if (mark[r] === 0) { mark[r] = 1; out.push(r) }
    return true
  }
  if (f.values) {
    const list = f.values.get(v.toLowerCase())
    if (list) for (const r of list) if (mark[r] === 0) { mark[r] = 1; out.push(r) }
  }
  if (f.grams && f.gramMask) gramHits(v, f.grams, f.gramMask, out, mark)
  return false
}

/** Rules whose trigram occurs in `v` (ASCII, folded as it goes). */
function gramHits(v: string, grams: ReadonlyMap<number, readonly number[]>, mask: Uint8Array, out: number[], mark: Uint8Array): void {
  let code = 0
  for (let i = 0; i < v.length; i++) {
    let c = v.charCodeAt(i)
    if (c >= 65 && c <= 90) c += 32
    code = ((code << 7) | c) & 0x1fffff
    if (i < 2 || mask[code & 0xffff] === 0) continue
    const list = grams.get(code)
    if (list) for (const r of list) if (mark[r] === 0) { mark[r] = 1; out.push(r) }
  }
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/** A raw value as a long field indexes it (numbers and numeric strings, truncated), as text; null if not indexed. */
function longKey(v: Scalar): string | null {
  let n: number
  if (typeof v === 'number') n = v
  else if (typeof v === 'string') {
    const t = v.trim()
    if (!NUMERIC.test(t)) return null
    n = Number(t)
  } else return null
  return Number.isFinite(n) ? String(Math.trunc(n)) : null
}

function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return true
  return false
}

/** Non-null scalar values of a field (nested or dotted keys, arrays flattened), read with EQL's accessor. */
function valuesOf(field: string): (event: EcsEvent) => Scalar[] {
  const read = fieldAccessor(field)
  const push = (out: Scalar[], v: Value): void => {
    if (Array.isArray(v)) for (const x of v as readonly Value[]) push(out, x)
    else if (v !== null) out.push(v as Scalar)
  }
  return (event) => {
    const v = read(event)
    if (v === null) return []
    if (!Array.isArray(v)) return [v as Scalar]
    const out: Scalar[] = []
    push(out, v)
    return out
  }
}
