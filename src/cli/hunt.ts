// `vigil hunt <paths…>`: run detection rules over event files of any supported format and report the alerts.
// Inputs are merged by time (merge-inputs.ts) and feed one rule set that indexes rules by event category and
// cheap value keys. Single-event rules see each event on arrival; events a sequence (or sample, or suppressed
// rule) can use also pass a reorder buffer (watermark = newest timestamp − lateness) so those rules see them
// in time order. Data goes to stdout (or -o), progress and the run summary to stderr.
import { statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Alert, Severity } from '../alerts/index.js'
import { createReorderBuffer, createRuleSet, type EventRecord } from '../detect/index.js'
import { buildPrefilter, compileWildcard, defaultFieldTypes, type Expr } from '../eql/index.js'
import type { InputFormat } from '../ingest/index.js'
import { compileExceptions, loadExceptionFiles, loadRules, readGuide, renderRuleError, type LoadedRule } from '../rules/index.js'
import { createReportWriter, SEVERITY_ORDER, severityRank, type ReportFormat, type ReportRule } from '../report/index.js'
import { UsageError } from './errors.js'
import { expandInputs, readMergedEvents } from './merge-inputs.js'
import { ecsLinePrefilter } from './events.js'
import { createLineWriter } from './output.js'
import { createProgress, shouldShowProgress } from './progress.js'
import { createSummary, renderSummary } from './summary.js'
import { parseDurationMs, parseTimeBound } from './time-args.js'

export interface HuntOptions {
  /** More rule files or directories (`--rules`). */
  readonly rules?: readonly string[]
  /** `--no-bundled-rules`: only the `--rules` paths. */
  readonly bundledRules?: boolean
  readonly from?: string
  readonly to?: string
  /** `--rule`: rule id or name globs (`*`, `?`, case-insensitive); a rule runs if any matches. */
  readonly rule?: readonly string[]
  readonly minSeverity?: Severity
  readonly includeBuildingBlocks?: boolean
  /** `--lateness`: the reorder window. */
  readonly lateness?: string
  readonly format: ReportFormat
  readonly output?: string
  /** `--exceptions` / `--allowlist` files (Kibana export NDJSON, detection-rules exceptions TOML, vigil allowlist TOML). */
  readonly exceptions?: readonly string[]
  readonly inputFormat?: InputFormat
  readonly include?: readonly string[]
  readonly exclude?: readonly string[]
  readonly strict?: boolean
  /** `--no-summary`. */
  readonly summary?: boolean
  /** `--no-progress`. */
  readonly progress?: boolean
  /** `--no-exit-code`: exit 0 even when alerts are found. */
  readonly exitCode?: boolean
  /** Alert creation clock, for reproducible outputs (tests). */
  readonly now?: () => Date
}

/**
 * Default reorder window. Files are merged by time before it, so it only has to absorb disorder inside one
 * file (Sysmon's UtcTime vs logging order, a few threads logging at once): seconds in practice. Memory is
 * the events inside the window, so it is kept small; unsorted exports (an Elasticsearch `_search` dump)
 * need a larger one, and the summary says so when events arrive late.
 */
export const DEFAULT_LATENESS = '30s'
/** At most this many events wait in the reorder window; past it the oldest is released (bounded memory). */
const MAX_REORDER_BUFFERED = 250_000

/** The repository's `rules/` directory, found from this file, not from the working directory. */
export function bundledRulesDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'rules')
}

/** Exit codes: 0 no alerts, 1 alerts found, 2 usage or rule error. */
export async function runHuntCommand(inputs: readonly string[], opts: HuntOptions): Promise<number> {
  return (await hunt(inputs, opts)).exitCode
}

export interface HuntResult {
  readonly exitCode: number
  /** Alerts reported (single-event alerts and sequence shells, after filters). */
  readonly alerts: number
  readonly events: number
  readonly rules: number
  readonly seconds: number
}

/** The whole hunt: rules, inputs, detection, report and summary; throws UsageError on usage problems. */
export async function hunt(inputs: readonly string[], opts: HuntOptions): Promise<HuntResult> {
  const startedAt = performance.now()
  const nowMs = Date.now()
  const latenessMs = parseDurationMs(opts.lateness ?? DEFAULT_LATENESS, '--lateness')
  const fromMs = opts.from !== undefined ? parseTimeBound(opts.from, '--from', nowMs) : null
  const toMs = opts.to !== undefined ? parseTimeBound(opts.to, '--to', nowMs) : null
  if (fromMs !== null && toMs !== null && fromMs > toMs) throw new UsageError('--from is after --to')

  const selection = selectRules(opts)
  const exceptions = loadHuntExceptions(opts.exceptions ?? [], nowMs)
  const prefilter = rulesPrefilter(selection.rules)
  const summary = createSummary()
  const files = await expandInputs(inputs, { summary, ...(opts.include ? { include: opts.include } : {}), ...(opts.exclude ? { exclude: opts.exclude } : {}) })
  let totalBytes = 0
  for (const f of files) {
    if (f === '-') continue
    try { totalBytes += statSync(f).size } catch { /* reported when read */ }
  }

  const out = createLineWriter(opts.output)
  const isTty = opts.output === undefined && process.stdout.isTTY === true
  const writer = createReportWriter(opts.format, out, {
    table: {
      color: isTty && process.env.NO_COLOR === undefined,
      width: isTty ? process.stdout.columns : Number(process.env.COLUMNS) || 160,
    },
  })
  const filter = createAlertFilter(opts.minSeverity ?? 'low')
  const counts = createAlertCounts()
  let pending: Alert[] = []
  const ruleErrors: string[] = []
  const ruleSet = createRuleSet(selection.rules, {
    onAlert: (a) => {
      if (!filter(a)) return
      counts.add(a)
      pending.push(a)
    },
    exceptions,
    ...(opts.now ? { now: opts.now } : {}),
    onRuleError: (ruleId, e) => { ruleErrors.push(`rule ${ruleId} disabled after an engine error: ${(e as Error).message}`) },
  })
  const reorder = createReorderBuffer({
    latenessMs,
    maxBuffered: MAX_REORDER_BUFFERED,
    // Only events some sequence (or sample) can use wait here; single-event rules saw them on arrival.
    onRelease: (rec) => ruleSet.pushOrdered(rec),
    onWatermark: (ms) => ruleSet.advanceTo(ms),
  })
  const progress = createProgress({
    totalFiles: files.length,
    totalBytes,
    enabled: opts.progress !== false && shouldShowProgress(),
  })
  let bytesRead = 0
  let outside = 0
  const flushAlerts = async (): Promise<void> => {
    if (pending.length === 0) return
    const batch = pending
    pending = []
    for (const a of batch) await writer.add(a)
  }
  const isInRange = (rec: EventRecord): boolean => {
    if (fromMs === null && toMs === null) return true
    const t = rec.timestampMs
    if (t === null) return false
    return (fromMs === null || t >= fromMs) && (toMs === null || t <= toMs)
  }

  try {
    for await (const batch of readMergedEvents(files, {
      summary,
      ...(opts.inputFormat ? { format: opts.inputFormat } : {}),
      ...(opts.strict ? { strict: true } : {}),
      ...(prefilter !== null ? { prefilter } : {}),
      keepText: false,
      onBytes: (n) => { bytesRead += n },
    })) {
      for (const rec of batch) {
        if (!isInRange(rec)) { outside++; continue }
        // Holding every event for the lateness window would keep tens of thousands alive (GC, cache misses)
        // for rules that do not care about order: only events an order-sensitive rule can use are held.
        if (ruleSet.pushArrival(rec)) reorder.push(rec)
        else reorder.observe(rec.timestampMs)
      }
      await flushAlerts()
      progress.update({ files: summary.files, bytes: bytesRead, events: summary.events + summary.skipped, alerts: counts.total() })
    }
    reorder.flush()
    ruleSet.end()
    await flushAlerts()
  } finally {
    progress.stop()
  }
  const reorderStats = reorder.stats()
  summary.late = reorderStats.late
  await writer.finish({
    rules: selection.rules.map(reportRule),
    run: {
      generatedAt: new Date(nowMs).toISOString(),
      inputs: [...inputs],
      events: summary.events + summary.skipped,
      files: summary.files,
      rules: selection.rules.length,
      seconds: (performance.now() - startedAt) / 1000,
    },
  })
  await out.close()

  if (opts.summary !== false) {
    const extra = [...selection.notes, ...ruleErrors.map((e) => `  ${e}`)]
    if (outside > 0) extra.push(`  events outside --from/--to (not hunted): ${outside}`)
    if (reorderStats.late > 0) extra.push(`  hint: ${reorderStats.late} event(s) arrived more than --lateness ${opts.lateness ?? DEFAULT_LATENESS} behind newer ones; if an input is not sorted by time (an Elasticsearch export), a larger --lateness (e.g. 1h) puts them in order`)
    if (reorderStats.forced > 0) extra.push(`  reorder window full: ${reorderStats.forced} event(s) released early (more than ${MAX_REORDER_BUFFERED} events within --lateness)`)
    extra.push(...counts.render())
    process.stderr.write(renderSummary(summary, extra) + '\n')
  }
  return {
    exitCode: counts.total() > 0 && opts.exitCode !== false ? 1 : 0,
    alerts: counts.total(),
    // Lines the rule prefilter skipped were read too: they count as events hunted.
    events: summary.events + summary.skipped,
    rules: selection.rules.length,
    seconds: (performance.now() - startedAt) / 1000,
  }
}

// ---- rules ---------------------------------------------------------------------------------------------

interface RuleSelection {
  readonly rules: readonly LoadedRule[]
  /** Summary lines about loading (counts, skipped, invalid). */
  readonly notes: readonly string[]
}

function selectRules(opts: HuntOptions): RuleSelection {
  const extra = [...(opts.rules ?? [])]
  const paths = [...(opts.bundledRules === false ? [] : [bundledRulesDir()]), ...extra]
  if (paths.length === 0) throw new UsageError('no rules: --no-bundled-rules needs --rules <paths…>')
  // A path that cannot be read, or an invalid rule in a file named explicitly, is a usage error; broken rules
  // inside a directory (a detection-rules checkout has a few this engine cannot compile) are reported and skipped.
  for (const p of extra) {
    try { statSync(p) } catch (e) { throw new UsageError(`--rules ${p}: ${(e as Error).message}`) }
  }
  const loaded = loadRules(paths)
  const explicitFiles = new Set(extra.filter((p) => !statSync(p).isDirectory()).map((p) => resolve(p)))
  const fatal = loaded.errors.filter((e) => explicitFiles.has(resolve(e.file)))
  if (fatal.length > 0) throw new UsageError(fatal.map(renderRuleError).join('\n'))

  let rules = [...loaded.rules]
  const globs = (opts.rule ?? []).map((g) => compileGlob(g))
  if (globs.length > 0) {
    rules = rules.filter((r) => globs.some((m) => m(r.ruleId) || m(r.name)))
    if (rules.length === 0) throw new UsageError(`no rule matches --rule ${(opts.rule ?? []).join(' ')}`)
  }
  const buildingBlocks = rules.filter((r) => r.isBuildingBlock).length
  if (opts.includeBuildingBlocks !== true) rules = rules.filter((r) => !r.isBuildingBlock)
  if (rules.length === 0) throw new UsageError('no rule to run')

  const notes: string[] = []
  const skippedByReason = new Map<string, number>()
  for (const s of loaded.skipped) {
    const key = s.reason === 'language' ? `language ${s.language ?? '?'}` : s.reason
    skippedByReason.set(key, (skippedByReason.get(key) ?? 0) + 1)
  }
  const skipped = [...skippedByReason].map(([k, n]) => `${n} ${k}`).join(', ')
  notes.push(`  rules: ${rules.length} running of ${loaded.files} rule files` +
    (loaded.errors.length > 0 ? `, ${loaded.errors.length} invalid (skipped)` : '') +
    (skipped !== '' ? `, skipped: ${skipped}` : ''))
  for (const e of loaded.errors.slice(0, 10)) notes.push(`    ${renderRuleError(e)}`)
  if (loaded.errors.length > 10) notes.push(`    … ${loaded.errors.length - 10} more invalid rules (vigil rules validate <path> lists them all)`)
  if (buildingBlocks > 0 && opts.includeBuildingBlocks !== true) {
    notes.push(`  building-block rules not run: ${buildingBlocks} (--include-building-blocks runs them)`)
  }
  return { rules, notes }
}

function reportRule(r: LoadedRule): ReportRule {
  const guide = readGuide(r) ?? undefined
  return {
    id: r.ruleId,
    name: r.name,
    severity: r.data.severity,
    riskScore: r.data.risk_score,
    type: r.data.type,
    description: r.data.description.trim(),
    threat: r.alertRule.threat ?? [],
    isBuildingBlock: r.isBuildingBlock,
    ...(guide !== undefined ? { guide } : {}),
  }
}

/** `--exceptions` files through the rules loader, so Kibana value lists (`list` entries) work too. */
function loadHuntExceptions(paths: readonly string[], nowMs: number) {
  if (paths.length === 0) return null
  const loaded = loadExceptionFiles(paths)
  if (loaded.errors.length > 0) throw new UsageError(loaded.errors.map(renderRuleError).join('\n'))
  const compiled = compileExceptions(loaded.items, { nowMs, valueLists: loaded.valueLists })
  if (!compiled.ok) {
    throw new UsageError(compiled.errors.map((e) => `${e.item.source.file}${e.item.source.line !== undefined ? `:${e.item.source.line}` : ''}: ${e.item.name}: ${e.message}`).join('\n'))
  }
  return compiled.value
}

/** `--rule` globs: `*` and `?`, case-insensitive, on a linear matcher. */
export function compileGlob(pattern: string): (text: string) => boolean {
  return compileWildcard(pattern, true)
}

/** Above this many stages a combined line test stops paying for itself (and rarely finds a literal anyway). */
const MAX_PREFILTER_STAGES = 16

/**
 * Fields nearly every event of a Windows hunt has with the value rules ask for (`host.os.type == "windows"`,
 * `event.type == "start"`): a literal required by them says nothing about a line, so they are left out of the
 * prefilter (dropping a conjunct only widens what passes, so the test stays conservative).
 */
const UBIQUITOUS_FIELDS: ReadonlySet<string> = new Set([
  'host.os.type', 'host.os.family', 'host.os.platform', 'host.os.name', 'event.type', 'event.kind', 'event.outcome',
  'event.category', 'event.module', 'event.dataset', 'data_stream.dataset', 'data_stream.type', 'ecs.version', 'agent.type',
])

function mentionsOnlyUbiquitous(e: Expr): boolean {
  const fields: string[] = []
  const visit = (x: Expr): void => {
    if (x.kind === 'field') fields.push(x.path.join('.'))
    else for (const v of Object.values(x)) {
      if (Array.isArray(v)) { for (const el of v) if (el !== null && typeof el === 'object' && 'kind' in el) visit(el as Expr) } else if (v !== null && typeof v === 'object' && 'kind' in v) visit(v as Expr)
    }
  }
  visit(e)
  return fields.length > 0 && fields.every((f) => UBIQUITOUS_FIELDS.has(f))
}

/** A stage condition without its top-level conjuncts on ubiquitous fields. */
function selectivePart(condition: Expr): Expr {
  if (condition.kind !== 'and') return condition
  const kept = condition.terms.filter((t) => !mentionsOnlyUbiquitous(t))
  return kept.length === condition.terms.length ? condition : { ...condition, terms: kept }
}

/**
 * One raw-line test for the whole rule set: an ECS line can matter only if some stage of some rule could
 * match it, so the stages' conditions are OR-ed (after dropping conjuncts every event satisfies) and the
 * literals they require are searched in the line before JSON.parse. Null (parse everything) when some stage
 * requires nothing recognisable, or when there are too many stages.
 */
function rulesPrefilter(rules: readonly LoadedRule[]): ((line: string) => boolean) | null {
  const conditions: Expr[] = []
  for (const r of rules) {
    const base = r.ast.base
    if (base.kind === 'event') conditions.push(base.condition)
    else for (const t of base.kind === 'sequence' && base.until ? [...base.terms, base.until] : base.terms) conditions.push(t.query.condition)
  }
  if (conditions.length === 0 || conditions.length > MAX_PREFILTER_STAGES) return null
  const types = defaultFieldTypes()
  const pf = buildPrefilter({ kind: 'or', terms: conditions.map(selectivePart), span: { start: 0, end: 0 } }, {
    isVerbatim: (path) => {
      const t = types.get(path)
      return t !== undefined && t.kind === 'keyword' && t.nullValue === undefined
    },
  })
  return pf && ecsLinePrefilter(pf)
}

// ---- alerts --------------------------------------------------------------------------------------------

/**
 * `--min-severity` on what the analyst sees: a single-event alert or a sequence shell by its own (possibly
 * escalated) severity; a sequence's building blocks follow their shell, whatever their default severity.
 */
function createAlertFilter(min: Severity): (a: Alert) => boolean {
  const minRank = severityRank(min)
  const shells = new Map<string, { keep: boolean; left: number }>()
  return (a) => {
    const gid = a['kibana.alert.group.id']
    const index = a['kibana.alert.group.index']
    if (typeof index === 'number' && typeof gid === 'string') {
      const shell = shells.get(gid)
      if (shell === undefined) return severityRank(a['kibana.alert.severity']) >= minRank
      if (--shell.left <= 0) shells.delete(gid)
      return shell.keep
    }
    const keep = severityRank(a['kibana.alert.severity']) >= minRank
    // Building blocks are emitted right after their shell, one per ancestor.
    if (typeof gid === 'string') shells.set(gid, { keep, left: a['kibana.alert.ancestors'].length })
    return keep
  }
}

function createAlertCounts() {
  const byRule = new Map<string, { name: string; severity: Severity; n: number }>()
  const bySeverity = new Map<Severity, number>()
  let total = 0
  return {
    add(a: Alert): void {
      if (typeof a['kibana.alert.group.index'] === 'number') return
      total++
      const sev = a['kibana.alert.severity']
      bySeverity.set(sev, (bySeverity.get(sev) ?? 0) + 1)
      const key = `${sev}\u0000${a['kibana.alert.rule.name']}`
      const r = byRule.get(key)
      if (r === undefined) byRule.set(key, { name: a['kibana.alert.rule.name'], severity: sev, n: 1 })
      else r.n++
    },
    total: () => total,
    render(): string[] {
      if (total === 0) return ['  alerts: 0']
      const sev = [...SEVERITY_ORDER].reverse().filter((s) => bySeverity.has(s)).map((s) => `${s} ${bySeverity.get(s)}`).join(', ')
      const lines = [`  alerts: ${total} (${sev})`]
      const rows = [...byRule.values()].sort((x, y) => severityRank(y.severity) - severityRank(x.severity) || y.n - x.n || x.name.localeCompare(y.name))
      for (const r of rows) lines.push(`    ${r.severity.padEnd(8)} ${String(r.n).padStart(6)}  ${r.name}`)
      return lines
    },
  }
}
