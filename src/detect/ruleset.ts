// Many rules over one ordered event stream. Rules are indexed by the event category of each of their stages
// and, when a stage requires a field such as `process.name` to be one of a few literals, by those values too,
// so an event reaches only the rules that could use it. Each rule keeps its own engine runner; events an
// exception matches never reach that rule (Elastic filters them out of the rule's search, so on a sequence
// an exception on any member prevents the alert). Results become Elastic-shaped alerts, optionally suppressed.
import type { EqlQueryAst, RoutedStage } from './route.js'
import { routeStages } from './route.js'
import { fieldAccessor, type EcsEvent, type Scalar, type Value } from '../eql/index.js'
import type { CompiledQuery } from '../eql/index.js'
import type { EventRecord, QueryResult } from './types.js'
import { createRunner, type Runner } from './runner.js'
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
  /** Next event, in (timestamp, tiebreaker, ordinal) order. */
  push(rec: EventRecord): void
  /** Watermark: no event before `ms` will come. */
  advanceTo(ms: number): void
  /** End of input: flushes pending results and suppression windows. */
  end(): void
  stats(): RuleSetStats
}

interface Slot {
  readonly rule: RuleSetRule
  readonly runner: Runner
  readonly suppressor: Suppressor | null
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
    const slot: Slot = { rule, runner: createRunner(rule.query, { onResult }), suppressor, ...counters }
    return slot
  })

  const index = buildIndex(slots.map((s) => routeStages(s.rule.ast, s.rule.eventCategoryField ?? 'event.category')))
  const suppressors = slots.filter((s) => s.suppressor !== null)
  // Per-event scratch: rules already selected for the current event (cleared after each event).
  const isSelected = new Uint8Array(slots.length)
  const selected: number[] = []
  let lastTimeMs = -Infinity

  const deliver = (slot: Slot, rec: EventRecord, globalHit: () => boolean): void => {
    if (slot.isDisabled || slot.runner.isDone) return
    const ev = rec.event
    slot.events++
    const global = opts.exceptions
    const hasScoped = global != null && (global.scopedRuleIds?.has(slot.rule.ruleId) ?? true)
    if (globalHit() || (hasScoped && global.match(ev, slot.rule.ruleId) !== null)
      || (slot.rule.exceptions?.match(ev, slot.rule.ruleId) ?? null) !== null) {
      slot.excepted++
      return
    }
    const own = slot.rule.hasOwnTimestamp ? { ...rec, timestampMs: slot.rule.query.time.timestampMs(ev) } : rec
    try {
      slot.runner.push(own)
    } catch (e) {
      slot.isDisabled = true
      opts.onRuleError?.(slot.rule.ruleId, e)
    }
  }

  return {
    push(rec) {
      events++
      selected.length = 0
      index.select(rec.event, (i) => {
        if (isSelected[i] === 1) return
        isSelected[i] = 1
        selected.push(i)
      })
      for (const i of selected) isSelected[i] = 0
      // Rule order, so interleaving does not depend on the index's layout.
      selected.sort((a, b) => a - b)
      routed += selected.length
      // Unscoped global exceptions are evaluated once per event, and only if some rule wants the event.
      let global: boolean | null = null
      const globalHit = (): boolean => {
        if (global === null) global = (opts.exceptions?.match(rec.event) ?? null) !== null
        return global
      }
      for (const i of selected) {
        const slot = slots[i]
        if (slot) deliver(slot, rec, globalHit)
      }
      if (rec.timestampMs !== null && rec.timestampMs > lastTimeMs) {
        lastTimeMs = rec.timestampMs
        for (const s of suppressors) s.suppressor?.advance(lastTimeMs)
      }
    },
    advanceTo(ms) {
      for (const s of slots) if (!s.isDisabled) s.runner.advanceTo(ms)
      for (const s of suppressors) s.suppressor?.advance(ms)
    },
    end() {
      for (const s of slots) {
        if (s.isDisabled) continue
        try { s.runner.end() } catch (e) { s.isDisabled = true; opts.onRuleError?.(s.rule.ruleId, e) }
      }
      for (const s of suppressors) s.suppressor?.flush()
    },
    stats: () => ({
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
    }),
  }
}

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

interface Bucket {
  /** Rules with a stage here that has no value key: always candidates for this category. */
  readonly scan: Set<number>
  /** field → folded literal → rules. */
  readonly byValue: Map<string, Map<string, number[]>>
}

/** A bucket ready for lookups: scan list plus one precompiled field reader per keyed field. */
interface CompiledBucket {
  readonly scan: readonly number[]
  readonly keyed: readonly { readonly read: (event: EcsEvent) => Scalar[]; readonly byValue: ReadonlyMap<string, readonly number[]> }[]
}

interface RuleIndex {
  select(event: EcsEvent, add: (rule: number) => void): void
}

function buildIndex(perRule: readonly (readonly RoutedStage[])[]): RuleIndex {
  // category field → category (folded; '' = any) → bucket
  const fields = new Map<string, Map<string, Bucket>>()
  perRule.forEach((stages, rule) => {
    for (const st of stages) {
      let cats = fields.get(st.categoryField)
      if (!cats) { cats = new Map(); fields.set(st.categoryField, cats) }
      const key = st.category === null ? '' : st.category.toLowerCase()
      let bucket = cats.get(key)
      if (!bucket) { bucket = { scan: new Set(), byValue: new Map() }; cats.set(key, bucket) }
      if (st.valueKey === null) { bucket.scan.add(rule); continue }
      let byField = bucket.byValue.get(st.valueKey.field)
      if (!byField) { byField = new Map(); bucket.byValue.set(st.valueKey.field, byField) }
      for (const v of st.valueKey.values) {
        const list = byField.get(v)
        if (list) { if (!list.includes(rule)) list.push(rule) } else byField.set(v, [rule])
      }
    }
  })

  const readers = new Map<string, (event: EcsEvent) => Scalar[]>()
  const reader = (field: string): ((event: EcsEvent) => Scalar[]) => {
    let r = readers.get(field)
    if (!r) { r = valuesOf(field); readers.set(field, r) }
    return r
  }
  const compileBucket = (b: Bucket): CompiledBucket => ({
    scan: [...b.scan],
    keyed: [...b.byValue].map(([field, byValue]) => ({
      read: reader(field),
      // A rule already in `scan` needs no value entries in the same bucket.
      byValue: new Map([...byValue].map(([v, list]) => [v, list.filter((r) => !b.scan.has(r))] as const).filter(([, l]) => l.length > 0)),
    })).filter((k) => k.byValue.size > 0),
  })
  const layout = [...fields].map(([field, cats]) => {
    const compiled = new Map([...cats].map(([k, b]) => [k, compileBucket(b)] as const))
    return { read: reader(field), cats: compiled, any: compiled.get('') ?? null }
  })

  const visit = (b: CompiledBucket, event: EcsEvent, add: (rule: number) => void): void => {
    for (const r of b.scan) add(r)
    for (const { read, byValue } of b.keyed) {
      for (const v of read(event)) {
        if (typeof v === 'string' && hasNonAscii(v)) {
          // Unicode folding is Lucene's, not ours: route to every rule keyed on this field.
          for (const list of byValue.values()) for (const r of list) add(r)
          break
        }
        const list = byValue.get(String(v).toLowerCase())
        if (list) for (const r of list) add(r)
      }
    }
  }

  return {
    select(event, add) {
      for (const { read, cats, any } of layout) {
        if (any) visit(any, event, add)
        for (const c of read(event)) {
          if (typeof c !== 'string') continue
          if (hasNonAscii(c)) {
            for (const [k, b] of cats) if (k !== '') visit(b, event, add)
            continue
          }
          const b = cats.get(c.toLowerCase())
          if (b && b !== any) visit(b, event, add)
        }
      }
    },
  }
}

function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return true
  return false
}

/** Non-null scalar values of a field (nested or dotted keys, arrays flattened), read with EQL's accessor. */
function valuesOf(field: string): (event: EcsEvent) => Scalar[] {
  const read = fieldAccessor(field)
  return (event) => {
    const out: Scalar[] = []
    const push = (v: Value): void => {
      if (Array.isArray(v)) for (const x of v as readonly Value[]) push(x)
      else if (v !== null) out.push(v as Scalar)
    }
    push(read(event))
    return out
  }
}
