// What an event needs for a rule's stage to possibly match, read from the query's AST: its category and a
// set of probes, one of which must hit. A probe is a field that must equal one of a few literals
// (`process.name : ("cmd.exe", "powershell.exe")`) or contain a fixed three-character piece of a wildcard
// pattern (`process.command_line : "*-nop*"` needs "nop"). Probes come from one conjunct of the stage's
// condition, an OR of such tests gives the union of its terms' probes, and among the usable conjuncts the one
// that is likely rarest in telemetry is chosen. All of it is a necessary condition only (case-folded, so wider
// than `==`): the rule's compiled matcher still decides.
import { defaultFieldTypes, type EventQuery, type Expr, type Query } from '../eql/index.js'

export type EqlQueryAst = Query

/**
 * `value`: the field equals one of `values` (ASCII case-folded). `gram`: it contains one of `grams` (3 folded
 * ASCII chars). `number`: a long field whose indexed (truncated) value is one of `values` (integers as text).
 */
export type Probe =
  | { readonly kind: 'value'; readonly field: string; readonly values: readonly string[] }
  | { readonly kind: 'number'; readonly field: string; readonly values: readonly string[] }
  /** `not cidrmatch(f, …)`: an ip field with a value outside the IPv4 ranges (`a.b.c.d/n`, canonical). */
  | { readonly kind: 'outside'; readonly field: string; readonly cidrs: readonly string[] }
  | { readonly kind: 'gram'; readonly field: string; readonly grams: readonly string[] }

export interface RoutedStage {
  readonly categoryField: string
  /** null: `any where`. */
  readonly category: string | null
  /** The stage can match only if one of these hits; null: no usable key (every event of the category). */
  readonly probes: readonly Probe[] | null
}

/**
 * Fields true for most events of a category: a key on them narrows little, so any other key is preferred.
 * They still keep Linux, macOS and cloud rules away from Windows events when nothing better exists.
 */
const UBIQUITOUS = new Set([
  'event.dataset', 'data_stream.dataset', 'event.module', 'host.os.type', 'host.os.family', 'host.os.platform',
  'event.type', 'event.kind', 'event.provider', 'network.type', 'agent.type', 'ecs.version', 'data_stream.type', 'data_stream.namespace',
  'winlog.channel', 'user.domain', 'process.parent.executable',
])
/** Names that identify what happened or which program: usually the rarest values in Windows telemetry. */
const NAME_FIELDS = new Set([
  'process.name', 'process.pe.original_file_name', 'event.action', 'event.code', 'file.name', 'file.extension',
  'dll.name', 'registry.value', 'winlog.event_id', 'dll.pe.original_file_name',
])
/** Parents are few and common (explorer.exe, services.exe): weaker than the process's own name. */
const PARENT_FIELDS = new Set(['process.parent.name', 'process.parent.pe.original_file_name'])
/** Paths share long prefixes (`C:\Windows\System32\`): a piece of one matches many events. */
const PATH_FIELDS = new Set([
  'process.executable', 'file.path', 'registry.path', 'registry.key', 'dll.path', 'file.target_path', 'process.working_directory',
])
const MAX_VALUES = 64
/**
 * Programs running on every Windows host all day: a key listing one of them is nearly as wide as no key, so
 * a conjunct on arguments or command lines is preferred when the stage has one.
 */
const COMMON_PROGRAMS = new Set([
  'svchost.exe', 'explorer.exe', 'conhost.exe', 'cmd.exe', 'powershell.exe', 'chrome.exe', 'msedge.exe', 'firefox.exe',
  'taskhostw.exe', 'services.exe', 'lsass.exe', 'dllhost.exe', 'runtimebroker.exe', 'searchindexer.exe',
  'searchprotocolhost.exe', 'wmiprvse.exe', 'backgroundtaskhost.exe', 'rundll32.exe', 'msmpeng.exe', 'winlogon.exe',
])

/** Three-character pieces found in most Windows paths and command lines: never chosen when another exists. */
const COMMON_GRAMS = new Set([
  'exe', '.ex', 'win', 'ind', 'ndo', 'dow', 'ows', 'sys', 'yst', 'ste', 'tem', 'em3', 'm32', 'pro', 'rog', 'ogr',
  'gra', 'ram', 'use', 'ser', 'ers', 'app', 'ppd', 'pda', 'dat', 'ata', 'loc', 'oca', 'cal', 'mic', 'icr', 'cro',
  'ros', 'oso', 'sof', 'oft', 'fil', 'ile', 'les', 'con', 'ent', 'ver', 'ion', 'dll', '.dl', 'hkl', 'klm', 'twa',
  'twar', 'are', 'rre', 'ren', 'nt\\', 'the', 'ing', 'and', 'ter',
])

/** The routing facts of every stage of a query (event query: one; sequence: terms plus `until`). */
export function routeStages(query: Query, categoryField: string): RoutedStage[] {
  const base = query.base
  const stages: EventQuery[] =
    base.kind === 'event' ? [base]
      : base.kind === 'sequence' ? [...base.terms.map((t) => t.query), ...(base.until ? [base.until.query] : [])]
        : base.terms.map((t) => t.query)
  const types = KEYWORD_FIELDS
  return stages.map((q) => ({ categoryField, category: q.category, probes: keyOf(q.condition, types)?.probes ?? null }))
}

/** Fields the ECS table types as keyword: their tests compare strings, so a folded literal is a sound key. */
const KEYWORD_FIELDS: ReadonlySet<string> = new Set([...defaultFieldTypes()].filter(([, t]) => t.kind === 'keyword').map(([name]) => name))
/** Fields the ECS table types as long: integer literals compare with the truncated number. */
const LONG_FIELDS: ReadonlySet<string> = new Set([...defaultFieldTypes()].filter(([, t]) => t.kind === 'long').map(([name]) => name))
/** Fields the ECS table types as ip. */
const IP_FIELDS: ReadonlySet<string> = new Set([...defaultFieldTypes()].filter(([, t]) => t.kind === 'ip').map(([name]) => name))
/** True for most events but splits them in a few groups: better than nothing, worse than any real key. */
const COARSE = new Set(['network.direction', 'event.outcome', 'network.transport', 'network.protocol'])

interface Key { readonly probes: readonly Probe[]; readonly cost: number }

/** A necessary condition of `e` as probes, with a guess of how many events hit them; null if none. */
function keyOf(e: Expr, types: ReadonlySet<string>): Key | null {
  switch (e.kind) {
    case 'and': {
      let best: Key | null = null
      for (const t of e.terms) {
        const k = keyOf(t, types)
        if (k && (best === null || k.cost < best.cost)) best = k
      }
      return best
    }
    case 'or': {
      const probes: Probe[] = []
      let cost = 0
      for (const t of e.terms) {
        const k = keyOf(t, types)
        if (k === null) return null
        probes.push(...k.probes)
        cost += k.cost
      }
      return { probes, cost }
    }
    default: {
      const probes = probesOf(e, types)
      return probes ? { probes, cost: probes.reduce((sum, p) => sum + costOf(p), 0) } : null
    }
  }
}

function costOf(p: Probe): number {
  if (p.kind === 'outside') return 50
  if (COARSE.has(p.field)) return 300
  if (UBIQUITOUS.has(p.field)) return 1000
  if (p.kind === 'number') return 2 * p.values.length
  if (p.kind === 'value') {
    const w = NAME_FIELDS.has(p.field) ? 1 : PARENT_FIELDS.has(p.field) ? 4 : PATH_FIELDS.has(p.field) ? 3 : 2
    return p.values.reduce((sum, v) => sum + (COMMON_PROGRAMS.has(v) ? 25 : w), 0)
  }
  const w = PATH_FIELDS.has(p.field) ? 9 : 3
  return p.grams.reduce((sum, g) => sum + w * (COMMON_GRAMS.has(g) ? 4 : 1), 0)
}

const isPlainAscii = (s: string): boolean => /^[\x20-\x7e]*$/.test(s)

function fieldName(e: Expr, types: ReadonlySet<string>): string | null {
  if (e.kind !== 'field') return null
  const name = e.path.join('.')
  return types.has(name) ? name : null
}

function longField(e: Expr): string | null {
  if (e.kind !== 'field') return null
  const name = e.path.join('.')
  return LONG_FIELDS.has(name) ? name : null
}

/** Integer literals as the text of their number (what a truncated long value prints as). */
function integers(xs: readonly Expr[]): string[] | null {
  const out = new Set<string>()
  for (const x of xs) {
    if (x.kind !== 'literal' || x.type !== 'integer' || typeof x.value !== 'number' || !Number.isSafeInteger(x.value)) return null
    out.add(String(x.value))
  }
  return out.size > 0 && out.size <= MAX_VALUES ? [...out] : null
}

function literals(xs: readonly Expr[]): string[] | null {
  const out: string[] = []
  for (const x of xs) {
    if (x.kind !== 'literal' || x.type !== 'string' || typeof x.value !== 'string' || !isPlainAscii(x.value)) return null
    out.push(x.value)
  }
  return out.length > 0 && out.length <= MAX_VALUES ? out : null
}

/** `f == "a"`, `f : "a*"`, `f : ("a", "*b*")`, `f in ("a", "b")`, `f like~ "a?c"` on a keyword field. */
function probesOf(e: Expr, types: ReadonlySet<string>): Probe[] | null {
  switch (e.kind) {
    case 'not': {
      const c = e.operand
      if (c.kind !== 'call' || c.name !== 'cidrMatch' || c.args.length < 2) return null
      const f = c.args[0]
      const field = f?.kind === 'field' ? f.path.join('.') : null
      if (field === null || !IP_FIELDS.has(field)) return null
      const cidrs: string[] = []
      for (const a of c.args.slice(1)) {
        if (a.kind !== 'literal' || typeof a.value !== 'string' || parseIpv4Cidr(a.value) === null) return null
        cidrs.push(a.value)
      }
      return [{ kind: 'outside', field, cidrs }]
    }
    case 'compare': {
      if (e.op !== '==') return null
      const lnum = longField(e.left)
      const rnum = lnum === null ? longField(e.right) : null
      if (lnum !== null || rnum !== null) {
        const values = integers([lnum !== null ? e.right : e.left])
        return values ? [{ kind: 'number', field: (lnum ?? rnum) as string, values }] : null
      }
      const lf = fieldName(e.left, types)
      const rf = lf === null ? fieldName(e.right, types) : null
      const field = lf ?? rf
      const values = field ? literals([lf ? e.right : e.left]) : null
      return field && values ? [{ kind: 'value', field, values: fold(values) }] : null
    }
    case 'in': {
      const long = e.isNegated ? null : longField(e.value)
      if (long !== null) {
        const values = integers(e.list)
        return values ? [{ kind: 'number', field: long, values }] : null
      }
      const field = e.isNegated ? null : fieldName(e.value, types)
      const values = field ? literals(e.list) : null
      return field && values ? [{ kind: 'value', field, values: fold(values) }] : null
    }
    case 'match': {
      if (e.op === 'regex') return null
      const field = fieldName(e.value, types)
      const patterns = field ? literals(e.patterns) : null
      if (!field || !patterns) return null
      const exact = patterns.filter((p) => !p.includes('*') && !p.includes('?'))
      const grams: string[] = []
      for (const p of patterns) {
        if (exact.includes(p)) continue
        const g = gramOf(p)
        if (g === null) return null
        grams.push(g)
      }
      const out: Probe[] = []
      if (exact.length > 0) out.push({ kind: 'value', field, values: fold(exact) })
      if (grams.length > 0) out.push({ kind: 'gram', field, grams: [...new Set(grams)] })
      return out
    }
    default:
      return null
  }
}

function fold(xs: readonly string[]): string[] {
  return [...new Set(xs.map((x) => x.toLowerCase()))]
}

/**
 * One folded three-character piece every value matching the wildcard pattern contains, or null when the
 * pattern has no fixed run of three characters. Pieces of letters and digits that are not everywhere in
 * Windows paths are preferred; later pieces win ties (the end of a path is its most specific part).
 */
export function gramOf(pattern: string): string | null {
  let best: string | null = null
  let bestScore = Infinity
  for (const run of pattern.toLowerCase().split(/[*?]/)) {
    for (let i = 0; i + 3 <= run.length; i++) {
      const g = run.slice(i, i + 3)
      let score = COMMON_GRAMS.has(g) ? 10 : 0
      for (let j = 0; j < 3; j++) if (!/[a-z0-9]/.test(g.charAt(j))) score += 2
      if (score <= bestScore) { best = g; bestScore = score }
    }
  }
  return best
}

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])'
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`)

/** A canonical dotted IPv4 address (no leading zeros, no spaces) as an unsigned 32-bit number, else null. */
export function parseIpv4(text: string): number | null {
  const m = IPV4.exec(text)
  if (m === null) return null
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0
}

/** `a.b.c.d/n` (canonical address, 0 ≤ n ≤ 32) as network and mask, else null. */
export function parseIpv4Cidr(text: string): { readonly network: number; readonly mask: number } | null {
  const slash = text.indexOf('/')
  if (slash < 0 || !/^(3[0-2]|[12]?[0-9])$/.test(text.slice(slash + 1))) return null
  const ip = parseIpv4(text.slice(0, slash))
  if (ip === null) return null
  const bits = Number(text.slice(slash + 1))
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
  return { network: (ip & mask) >>> 0, mask }
}
