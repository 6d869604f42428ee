// Exceptions (allowlists): Kibana's exception-item model evaluated per event. Entries within an item AND,
// items OR, and an event matching any active item is removed from the rule's input — so on a sequence an
// exception that matches any member prevents the alert, as Elastic documents ("if an exception matches any
// events necessary to complete the sequence, no alert is created").
import ipaddr from 'ipaddr.js'
import type { EcsEvent } from '../eql/index.js'
import { fieldValues, readField, type FieldScalar } from './field.js'
import { compileWildcard, type StringTest } from '../eql/index.js'

export type ExceptionOperator = 'included' | 'excluded'

/** One condition of an item, in Kibana's entry shapes (plus `wildcard_any`, produced by vigil allowlists). */
export type ExceptionEntry =
  | { readonly type: 'match'; readonly field: string; readonly operator: ExceptionOperator; readonly value: string; readonly isCaseInsensitive?: boolean }
  | { readonly type: 'match_any'; readonly field: string; readonly operator: ExceptionOperator; readonly value: readonly string[]; readonly isCaseInsensitive?: boolean }
  | { readonly type: 'wildcard'; readonly field: string; readonly operator: ExceptionOperator; readonly value: string; readonly isCaseInsensitive?: boolean }
  | { readonly type: 'wildcard_any'; readonly field: string; readonly operator: ExceptionOperator; readonly value: readonly string[]; readonly isCaseInsensitive?: boolean }
  | { readonly type: 'exists'; readonly field: string; readonly operator: ExceptionOperator }
  | { readonly type: 'list'; readonly field: string; readonly operator: ExceptionOperator; readonly list: { readonly id: string; readonly type: string } }
  | { readonly type: 'nested'; readonly field: string; readonly entries: readonly ExceptionEntry[] }

export interface ExceptionItem {
  readonly itemId: string
  readonly listId: string
  readonly name: string
  readonly description?: string
  readonly entries: readonly ExceptionEntry[]
  /** When set, the item also requires `host.os.type` to be one of these. */
  readonly osTypes?: readonly string[]
  /** ISO time after which the item no longer applies (Kibana `expire_time`). */
  readonly expireTime?: string
  readonly comments?: readonly string[]
  /** vigil: restrict the item to these rule_ids (exceptions-as-code `rule_ids`, allowlist `rules`). */
  readonly ruleIds?: readonly string[]
  /** Where the item was read, for explanations. */
  readonly source: { readonly file: string; readonly line?: number }
}

/** A Kibana value list ("is in list"): `keyword`, `ip`, `ip_range` (CIDR or `a-b`), or other keyword-like types. */
export interface ValueList { readonly id: string; readonly type: string; readonly values: readonly string[] }

export interface ExceptionOptions {
  /** Value lists that `list` entries refer to, by id. */
  readonly valueLists?: ReadonlyMap<string, ValueList>
  /** Epoch ms used to drop expired items (default: now). */
  readonly nowMs?: number
}

export interface CompiledExceptions {
  /**
   * The first active item matching the event, or null. With `ruleId`, items scoped to other rules are
   * skipped; without it, only unscoped items count.
   */
  readonly match: (event: EcsEvent, ruleId?: string) => ExceptionItem | null
  readonly active: readonly ExceptionItem[]
  readonly expired: readonly ExceptionItem[]
  /** Rule ids that some active item is scoped to (the others only see unscoped items). */
  readonly scopedRuleIds: ReadonlySet<string>
}

export type CompiledExceptionsResult =
  | { readonly ok: true; readonly value: CompiledExceptions }
  | { readonly ok: false; readonly errors: readonly { readonly item: ExceptionItem; readonly message: string }[] }

type Predicate = (doc: unknown) => boolean

/** Compile items into one matcher; an unknown value list or a bad pattern is an error naming the item. */
export function compileExceptions(items: readonly ExceptionItem[], opts: ExceptionOptions = {}): CompiledExceptionsResult {
  const nowMs = opts.nowMs ?? Date.now()
  const errors: { item: ExceptionItem; message: string }[] = []
  const active: ExceptionItem[] = []
  const expired: ExceptionItem[] = []
  const compiled: { item: ExceptionItem; test: Predicate; rules: ReadonlySet<string> | null }[] = []
  for (const item of items) {
    if (item.expireTime !== undefined && Date.parse(item.expireTime) <= nowMs) { expired.push(item); continue }
    const problems: string[] = []
    const tests = item.entries.map((e) => compileEntry(e, opts.valueLists, problems))
    if (item.osTypes && item.osTypes.length > 0) {
      const os = new Set(item.osTypes.map((o) => o.toLowerCase()))
      tests.push((doc) => fieldValues(doc, 'host.os.type').some((v) => os.has(String(v).toLowerCase())))
    }
    if (item.entries.length === 0) problems.push('an exception item needs at least one entry')
    if (problems.length > 0) { for (const message of problems) errors.push({ item, message }); continue }
    active.push(item)
    const rules = item.ruleIds && item.ruleIds.length > 0 ? new Set(item.ruleIds) : null
    compiled.push({ item, rules, test: (doc) => tests.every((t) => t(doc)) })
  }
  if (errors.length > 0) return { ok: false, errors }
  return {
    ok: true,
    value: {
      active,
      expired,
      scopedRuleIds: new Set(active.flatMap((i) => i.ruleIds ?? [])),
      match: (event, ruleId) => {
        for (const c of compiled) {
          if (c.rules !== null && (ruleId === undefined || !c.rules.has(ruleId))) continue
          if (c.test(event)) return c.item
        }
        return null
      },
    },
  }
}

/** The items that apply to a rule: unscoped ones plus those naming its rule_id. */
export function exceptionsForRule(items: readonly ExceptionItem[], ruleId: string): ExceptionItem[] {
  return items.filter((i) => i.ruleIds === undefined || i.ruleIds.length === 0 || i.ruleIds.includes(ruleId))
}

function compileEntry(entry: ExceptionEntry, lists: ReadonlyMap<string, ValueList> | undefined, problems: string[]): Predicate {
  if (entry.type === 'nested') {
    const inner = entry.entries.map((e) => {
      if (e.type === 'list' || e.type === 'nested') problems.push(`nested entry under ${entry.field} cannot be of type ${e.type}`)
      return compileEntry(e, lists, problems)
    })
    // Any one element of the nested array must satisfy every inner entry (Elasticsearch `nested` query).
    return (doc) => {
      const parent = readField(doc, entry.field)
      const elements = Array.isArray(parent) ? parent : parent === undefined ? [] : [parent]
      return elements.some((el) => inner.every((t) => t(el)))
    }
  }
  const positive = compileCondition(entry, lists, problems)
  // `excluded` ("is not") wraps the single entry in must_not: a missing field satisfies it.
  return entry.operator === 'excluded' ? (doc) => !positive(doc) : positive
}

function compileCondition(
  entry: Exclude<ExceptionEntry, { type: 'nested' }>,
  lists: ReadonlyMap<string, ValueList> | undefined,
  problems: string[],
): Predicate {
  const field = entry.field
  switch (entry.type) {
    case 'exists':
      return (doc) => fieldValues(doc, field).length > 0
    case 'match':
      return anyValue(field, [termMatcher(entry.value, entry.isCaseInsensitive === true)])
    case 'match_any':
      if (entry.value.length === 0) problems.push(`${field}: "is one of" needs at least one value`)
      return anyValue(field, entry.value.map((v) => termMatcher(v, entry.isCaseInsensitive === true)))
    case 'wildcard':
      return anyValue(field, [textOnly(compileWildcard(entry.value, entry.isCaseInsensitive === true))])
    case 'wildcard_any':
      return anyValue(field, entry.value.map((v) => textOnly(compileWildcard(v, entry.isCaseInsensitive === true))))
    case 'list': {
      const list = lists?.get(entry.list.id)
      if (!list) { problems.push(`${field}: value list ${entry.list.id} is not loaded`); return () => false }
      return anyValue(field, listMatchers(list, problems))
    }
  }
}

type ValueMatcher = (v: FieldScalar) => boolean

function anyValue(field: string, matchers: readonly ValueMatcher[]): Predicate {
  return (doc) => {
    const values = fieldValues(doc, field)
    for (const v of values) for (const m of matchers) if (m(v)) return true
    return false
  }
}

const textOnly = (m: StringTest): ValueMatcher => (v) => m(String(v))

/**
 * Kibana turns `match` into `match_phrase`: exact on keyword fields. On `ip` fields Elasticsearch compares
 * addresses and accepts CIDR values, so a value that parses as an address or CIDR also matches that way.
 */
function termMatcher(value: string, isCaseInsensitive: boolean): ValueMatcher {
  const range = parseIpRange(value)
  const folded = isCaseInsensitive ? value.toLowerCase() : value
  return (v) => {
    const s = String(v)
    if ((isCaseInsensitive ? s.toLowerCase() : s) === folded) return true
    return range !== null && typeof v === 'string' && range(v)
  }
}

function listMatchers(list: ValueList, problems: string[]): ValueMatcher[] {
  if (list.type === 'ip_range' || list.type === 'ip') {
    return list.values.map((value) => {
      const range = parseIpRange(value)
      if (!range) { problems.push(`value list ${list.id}: ${JSON.stringify(value)} is not an address, CIDR or range`); return () => false }
      return (v) => typeof v === 'string' && range(v)
    })
  }
  const set = new Set(list.values)
  return [(v) => set.has(String(v))]
}

type IpTest = (address: string) => boolean

/** An address, a CIDR (`10.0.0.0/8`) or a dash range (`10.0.0.1-10.0.0.9`) as a test on address strings. */
export function parseIpRange(text: string): IpTest | null {
  const t = text.trim()
  const dash = t.indexOf('-')
  if (dash > 0) {
    const lo = parseAddress(t.slice(0, dash))
    const hi = parseAddress(t.slice(dash + 1))
    if (!lo || !hi || lo.kind() !== hi.kind()) return null
    const a = lo.toByteArray()
    const b = hi.toByteArray()
    return (s) => {
      const x = parseAddress(s)
      if (!x || x.kind() !== lo.kind()) return false
      const bytes = x.toByteArray()
      return compareBytes(bytes, a) >= 0 && compareBytes(bytes, b) <= 0
    }
  }
  if (t.includes('/')) {
    if (!ipaddr.isValidCIDR(t)) return null
    const [net, bits] = ipaddr.parseCIDR(t)
    const base = net.kind() === 'ipv6' && (net as ipaddr.IPv6).isIPv4MappedAddress() ? (net as ipaddr.IPv6).toIPv4Address() : net
    const prefix = base === net ? bits : bits - 96
    return (s) => {
      const x = parseAddress(s)
      return x !== null && x.kind() === base.kind() && x.match(base, prefix)
    }
  }
  const single = parseAddress(t)
  if (!single) return null
  const bytes = single.toByteArray()
  return (s) => {
    const x = parseAddress(s)
    return x !== null && x.kind() === single.kind() && compareBytes(x.toByteArray(), bytes) === 0
  }
}

/** Parse an address; IPv4-mapped IPv6 (`::ffff:10.0.0.1`) becomes IPv4, as Elasticsearch stores it. */
function parseAddress(s: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const t = s.trim()
  // Only dotted-quad IPv4: ipaddr.js would also read `10.1` or `0x0a000001`, which Elasticsearch rejects.
  if (ipaddr.IPv4.isValidFourPartDecimal(t)) return ipaddr.IPv4.parse(t)
  if (!ipaddr.IPv6.isValid(t)) return null
  const a = ipaddr.IPv6.parse(t)
  return a.isIPv4MappedAddress() ? a.toIPv4Address() : a
}

function compareBytes(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}
