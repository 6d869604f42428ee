// Routing is sound: over the hunt benchmark's 500 generated rules and random events built from those rules'
// own literals (so many events match), each rule behind the index yields exactly the results of its bare
// engine fed every event. Events mix cases, Unicode that folds to ASCII (K → k), numbers where strings are
// expected and dotted keys, the inputs where a key could wrongly drop an event.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateRules } from '../../bench/rulegen.js'
import { loadRuleText, type LoadedRule } from '../rules/load.js'
import type { EcsEvent, EventQuery, Expr } from '../eql/index.js'
import { createRuleSet } from './ruleset.js'
import { createRunner } from './runner.js'
import type { EventRecord } from './types.js'

const RULES: readonly LoadedRule[] = generateRules(500).map((g) => {
  const r = loadRuleText(g.text, g.name)
  assert.ok(r.rule, JSON.stringify(r.errors))
  return r.rule
})

/** field → literals a stage compares it with (under `not` too: events then sometimes hit exclusions). */
function literalsOf(e: Expr, out: Map<string, string[]>): void {
  const add = (f: Expr, xs: readonly Expr[]): void => {
    if (f.kind !== 'field') return
    const name = f.path.join('.')
    for (const x of xs) {
      if (x.kind !== 'literal' || x.value === null) continue
      const list = out.get(name) ?? []
      list.push(String(x.value))
      out.set(name, list)
    }
  }
  switch (e.kind) {
    case 'and': case 'or': for (const t of e.terms) literalsOf(t, out); break
    case 'not': literalsOf(e.operand, out); break
    case 'compare': add(e.left, [e.right]); break
    case 'in': add(e.value, e.list); break
    case 'match': add(e.value, e.patterns); break
    case 'call': for (const a of e.args.slice(1)) if (e.args[0]) add(e.args[0], [a]); break
    default: break
  }
}

const stagesOf = (r: LoadedRule): EventQuery[] => {
  const b = r.ast.base
  return b.kind === 'event' ? [b] : b.kind === 'sequence' ? b.terms.map((t) => t.query) : b.terms.map((t) => t.query)
}

function makeEvents(seed: number, count: number): EcsEvent[] {
  let s = seed
  const rnd = (): number => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648 }
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
  const fill = (pattern: string): string => {
    let v = ''
    for (const ch of pattern) {
      if (ch === '*') v += pick(['', 'x', 'Foo\\', ' -a b ', 'ns'])
      else if (ch === '?') v += pick(['C', 'd', '1'])
      else v += ch
    }
    const r = rnd()
    if (r < 0.2) return v.toUpperCase()
    if (r < 0.3) return v.replace(/k/i, '\u212a') // KELVIN SIGN folds to k
    if (r < 0.35) return `${v}x`
    return v
  }
  const events: EcsEvent[] = []
  for (let i = 0; i < count; i++) {
    const stage = pick(stagesOf(pick(RULES)))
    const lits = new Map<string, string[]>()
    literalsOf(stage.condition, lits)
    const doc: Record<string, unknown> = {
      '@timestamp': new Date(Date.UTC(2026, 10, 3, 9) + i * 700).toISOString(),
      event: { category: [stage.category ?? 'process'] },
      host: { id: pick(['h1', 'h2']) },
      process: { entity_id: pick(['e1', 'e2']) },
    }
    const isDotted = rnd() < 0.2
    for (const [field, values] of lits) {
      if (rnd() < 0.15) continue
      let v: unknown = fill(pick(values))
      if (/^\d+$/.test(String(v)) || field === 'destination.port') v = Number(v)
      else if (rnd() < 0.03) v = 445
      if (field === 'process.args') v = [pick(['cmd.exe', 'x']), v]
      if (isDotted) { doc[field] = v; continue }
      const path = field.split('.')
      let o = doc
      for (const p of path.slice(0, -1)) {
        const next = (o[p] ?? {}) as Record<string, unknown>
        o[p] = next
        o = next
      }
      o[path[path.length - 1] as string] = v
    }
    // Addresses inside and outside the private ranges rules exclude with `not cidrmatch(…)`, and odd ones.
    if (rnd() < 0.7) {
      const ip = pick<unknown>(['10.1.2.3', '8.8.8.8', '192.168.0.9', '172.16.5.4', '127.0.0.1', '::1', '::ffff:10.0.0.1',
        ['10.0.0.1', '8.8.4.4'], ['10.0.0.1', '192.168.1.1'], [], '010.0.0.1', ' 10.0.0.1', null])
      if (isDotted) doc['destination.ip'] = ip
      else doc.destination = { ...(doc.destination as object | undefined), ip }
    }
    events.push(doc as EcsEvent)
  }
  return events
}

test('500 generated rules: results behind the index equal each bare engine fed every event', () => {
  const events = makeEvents(11, 1500)
  const records: EventRecord[] = events.map((event, ordinal) => ({ event, ordinal, timestampMs: Date.parse(String(event['@timestamp'])) }))
  const set = createRuleSet(RULES, { onAlert: () => {}, now: () => new Date(0) })
  // A watermark after every event, as `vigil hunt` announces them.
  for (const rec of records) { set.push(rec); set.advanceTo((rec.timestampMs ?? 0) - 1000) }
  set.end()
  const stats = set.stats()
  assert.ok(stats.routed < stats.events * RULES.length / 10, `the index narrows the work (${stats.routed / stats.events} rules per event)`)
  let matched = 0
  RULES.forEach((rule, i) => {
    let results = 0
    const runner = createRunner(rule.query, { onResult: () => { results++ } })
    for (const rec of records) { runner.push(rec); runner.advanceTo((rec.timestampMs ?? 0) - 1000) }
    runner.end()
    matched += results
    assert.equal(stats.rules[i]?.results, results, `rule ${i} (${rule.name}): routing lost or added matches`)
  })
  assert.ok(matched > 100, `events built from the rules match them (${matched})`)
})
