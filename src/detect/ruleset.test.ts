import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRuleSet, type RuleSetRule } from './ruleset.js'
import { createRunner } from './runner.js'
import type { EventRecord, QueryResult } from './types.js'
import type { Alert } from '../alerts/index.js'
import type { EcsEvent } from '../eql/index.js'
import { loadRuleText, type LoadedRule } from '../rules/load.js'
import { compileExceptions, type ExceptionItem } from '../rules/exceptions.js'

let n = 0
function rule(query: string, extra = ''): LoadedRule {
  n++
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
  const text = `[metadata]\ncreation_date = "2026/11/01"\nmaturity = "production"\nupdated_date = "2026/11/01"\n[rule]\n` +
    `author = ["t"]\ndescription = "d"\nname = "rule ${n}"\nrisk_score = 21\nrule_id = "${id}"\nseverity = "low"\n` +
    `type = "eql"\nlanguage = "eql"\nquery = '''\n${query}\n'''\n${extra}`
  const r = loadRuleText(text, `rule${n}.toml`)
  assert.ok(r.rule, JSON.stringify(r.errors))
  return r.rule
}

const T0 = Date.parse('2026-11-03T09:00:00Z')
function records(events: readonly EcsEvent[]): EventRecord[] {
  return events.map((event, ordinal) => {
    const t = event['@timestamp']
    return { event, ordinal, timestampMs: typeof t === 'string' ? Date.parse(t) : null }
  })
}
const at = (sec: number): string => new Date(T0 + sec * 1000).toISOString()
const proc = (sec: number, host: string, name: string, parent = 'explorer.exe', user = 'alice'): EcsEvent => ({
  '@timestamp': at(sec), event: { category: ['process'], type: ['start'], id: `p-${sec}-${host}-${name}` },
  host: { id: host, os: { type: 'windows' } }, user: { name: user },
  process: { name, executable: `C:\\Windows\\System32\\${name}`, parent: { name: parent } },
})
const net = (sec: number, host: string, src: string, port = 5985): EcsEvent => ({
  '@timestamp': at(sec), event: { category: ['network'], type: ['start'], id: `n-${sec}-${host}-${src}` },
  host: { id: host, os: { type: 'windows' } }, process: { pid: 4 },
  network: { direction: 'ingress' }, source: { ip: src }, destination: { port: port },
})
const file = (sec: number, host: string): EcsEvent => ({
  '@timestamp': at(sec), event: { category: 'file', type: ['creation'], id: `f-${sec}-${host}` }, host: { id: host }, file: { name: 'a.txt' },
})

const WINRM = `sequence by host.id with maxspan=30s
  [network where process.pid == 4 and network.direction : ("incoming", "ingress") and destination.port in (5985, 5986)]
  [process where event.type == "start" and process.parent.name : "winrshost.exe"]`

function runSet(rules: readonly RuleSetRule[], events: readonly EcsEvent[], exceptions: ExceptionItem[] = []) {
  const alerts: Alert[] = []
  const c = compileExceptions(exceptions)
  assert.ok(c.ok)
  const set = createRuleSet(rules, { onAlert: (a) => alerts.push(a), exceptions: exceptions.length ? c.value : null, now: () => new Date(T0) })
  for (const r of records(events)) set.push(r)
  set.end()
  return { alerts, stats: set.stats() }
}

test('a rule only sees events of its categories; process.name literals narrow further', () => {
  const onProcess = rule('process where process.name : "cmd.exe"')
  const onAnyProcess = rule('process where true')
  const onNetwork = rule('network where destination.port == 5985')
  const onAny = rule('any where host.id == "h1"')
  const winrm = rule(WINRM)
  const events = [proc(0, 'h1', 'CMD.EXE'), proc(1, 'h1', 'notepad.exe'), net(2, 'h1', '10.0.0.1'), file(3, 'h1'), file(4, 'h2')]
  const { stats } = runSet([onProcess, onAnyProcess, onNetwork, onAny, winrm], events)
  // The WinRM sequence sees the network event only: its process stage needs parent winrshost.exe; the `any`
  // rule sees host h1's events only (host.id is a keyword field with a literal).
  assert.deepEqual(stats.rules.map((r) => r.events), [1, 2, 1, 4, 1])
  assert.equal(stats.routed, 9)
  assert.equal(stats.events, 5)
  assert.deepEqual(stats.rules.map((r) => r.alerts), [1, 2, 1, 4, 0])
})

// A deterministic pseudo-random event stream over a few hosts, names and ports.
function stream(seed: number, count: number): EcsEvent[] {
  let s = seed
  const rnd = (k: number): number => { s = (s * 1103515245 + 12345) % 2147483648; return s % k }
  const hosts = ['h1', 'h2', 'h3']
  const names = ['cmd.exe', 'CMD.exe', 'powershell.exe', 'whoami.exe', 'conhost.exe', 'wmic.exe', 'ipconfig.exe', 'naïve.exe']
  const parents = ['winrshost.exe', 'explorer.exe', 'WINRSHOST.EXE']
  const out: EcsEvent[] = []
  let sec = 0
  for (let i = 0; i < count; i++) {
    sec += rnd(7)
    const host = hosts[rnd(hosts.length)] ?? 'h1'
    const kind = rnd(4)
    if (kind === 0) out.push(net(sec, host, `10.0.0.${rnd(4)}`, rnd(2) ? 5985 : 445))
    else if (kind === 3) out.push(file(sec, host))
    else out.push(proc(sec, host, names[rnd(names.length)] ?? 'x', parents[rnd(parents.length)] ?? 'x', rnd(2) ? 'alice' : 'svc_ansible'))
  }
  return out
}

test('results are identical to running each rule alone, and to its bare engine without routing', () => {
  const rules = [
    rule('process where process.name : ("cmd.exe", "powershell.exe") and process.parent.name : "winrshost.exe"'),
    rule('process where process.name == "cmd.exe"'),
    rule('process where process.name like~ "naïve.exe"'),
    rule('file where true'),
    rule('any where host.id == "h2"'),
    rule(WINRM),
    rule('sequence by host.id with maxspan=1m [process where process.name : "wmic.exe"] [network where true] [file where true]'),
    rule('sequence by user.name [process where process.name in ("whoami.exe", "ipconfig.exe")] [process where process.name : "cmd.exe"] until [process where process.name : "conhost.exe"]'),
  ]
  for (const seed of [1, 7, 42]) {
    const events = stream(seed, 400)
    const together = runSet(rules, events)
    assert.ok(together.stats.routed < events.length * rules.length, 'the index narrows the work')
    for (const [i, r] of rules.entries()) {
      const alone = runSet([r], events)
      const ids = (as: readonly Alert[]): string[] => as.filter((a) => a['kibana.alert.rule.rule_id'] === r.ruleId).map((a) => a['kibana.alert.uuid'])
      assert.deepEqual(ids(together.alerts), ids(alone.alerts), `rule ${i} seed ${seed}`)
      // The bare engine fed every event: same number of matches as alerts that are not building blocks.
      const results: QueryResult[] = []
      const runner = createRunner(r.query, { onResult: (x) => results.push(x) })
      for (const rec of records(events)) runner.push(rec)
      runner.end()
      const matches = together.alerts.filter((a) => a['kibana.alert.rule.rule_id'] === r.ruleId && a['kibana.alert.group.index'] === undefined)
      assert.equal(matches.length, results.length, `rule ${i} seed ${seed}: routing lost or added matches`)
    }
    assert.ok(together.alerts.length > 0)
  }
})

test('exceptions on a sequence: an item matching any member prevents the alert', () => {
  const winrm = rule(WINRM)
  const events = [net(0, 'h1', '10.10.50.23'), proc(2, 'h1', 'cmd.exe', 'winrshost.exe', 'svc_ansible')]
  assert.equal(runSet([winrm], events).alerts.length, 3, 'without exceptions: shell + 2 building blocks')
  const subnet: ExceptionItem = { itemId: 's', listId: 'l', name: 'admin subnet', source: { file: 't' },
    entries: [{ type: 'match', field: 'source.ip', operator: 'included', value: '10.10.50.0/24' }] }
  const account: ExceptionItem = { itemId: 'a', listId: 'l', name: 'ansible', source: { file: 't' },
    entries: [{ type: 'match', field: 'user.name', operator: 'included', value: 'svc_ansible' }] }
  for (const item of [subnet, account]) {
    const r = runSet([winrm], events, [item])
    assert.equal(r.alerts.length, 0, item.name)
    assert.equal(r.stats.rules[0]?.excepted, 1)
  }
})

test('an excepted event is removed from the rule\'s input: another event can still complete the sequence', () => {
  // network:  10.10.50.23@0 (allowlisted)   10.0.30.21@1
  // process:                                               cmd@2
  // => [10.0.30.21@1, cmd@2]
  const winrm = rule(WINRM)
  const subnet: ExceptionItem = { itemId: 's', listId: 'l', name: 'admin subnet', source: { file: 't' },
    entries: [{ type: 'match', field: 'source.ip', operator: 'included', value: '10.10.50.0/24' }] }
  const r = runSet([winrm], [net(0, 'h1', '10.0.30.21'), net(1, 'h1', '10.10.50.23'), proc(2, 'h1', 'cmd.exe', 'winrshost.exe')], [subnet])
  const blocks = r.alerts.filter((a) => a['kibana.alert.group.index'] === 0)
  assert.equal(blocks.length, 1)
  assert.equal((blocks[0]?.['source'] as { ip: string }).ip, '10.0.30.21')
})

test('rule-scoped exceptions apply to their rule only', () => {
  const a = rule('process where process.name : "cmd.exe"')
  const b = rule('process where process.name : "cmd.exe"')
  const item: ExceptionItem = { itemId: 'x', listId: 'l', name: 'only a', ruleIds: [a.ruleId], source: { file: 't' },
    entries: [{ type: 'match', field: 'user.name', operator: 'included', value: 'alice' }] }
  const r = runSet([a, b], [proc(0, 'h1', 'cmd.exe')], [item])
  assert.deepEqual(r.stats.rules.map((s) => s.alerts), [0, 1])
})

test('alert_suppression groups a rule\'s alerts within its window', () => {
  const r = rule('process where process.name : "cmd.exe"',
    '[rule.alert_suppression]\ngroup_by = ["host.id"]\nmissing_fields_strategy = "suppress"\n[rule.alert_suppression.duration]\nvalue = 1\nunit = "m"\n')
  const out = runSet([r], [proc(0, 'h1', 'cmd.exe'), proc(10, 'h1', 'cmd.exe'), proc(20, 'h2', 'cmd.exe'), proc(70, 'h1', 'cmd.exe')])
  assert.deepEqual(out.alerts.map((a) => [(a['host'] as { id: string }).id, a['kibana.alert.suppression.docs_count']]), [['h1', 1], ['h2', 0], ['h1', 0]])
  assert.equal(out.stats.rules[0]?.suppressed, 1)
})

test('overrides reach the alerts through the rule set (stage 2 escalation)', () => {
  const r = rule(WINRM, '[[rule.vigil.severity_mapping]]\nstage = 2\nfield = "process.name"\noperator = "matches"\nvalue = "cmd.exe"\nseverity = "high"\nrisk_score = 73\n')
  const out = runSet([r], [net(0, 'h1', '10.0.0.1'), proc(1, 'h1', 'CMD.EXE', 'winrshost.exe'), net(100, 'h1', '10.0.0.1'), proc(101, 'h1', 'whoami.exe', 'winrshost.exe')])
  const shells = out.alerts.filter((a) => a['kibana.alert.group.index'] === undefined)
  assert.deepEqual(shells.map((a) => [a['kibana.alert.severity'], a['kibana.alert.risk_score']]), [['high', 73], ['low', 21]])
})

test('loop guard: a rule does not alert on its own alerts', () => {
  const r = rule('any where true')
  const first = runSet([r], [proc(0, 'h1', 'cmd.exe')])
  assert.equal(first.alerts.length, 1)
  const again = runSet([r], first.alerts as unknown as EcsEvent[])
  assert.equal(again.alerts.length, 0)
  assert.equal(again.stats.rules[0]?.results, 1)
  const other = rule('any where true')
  assert.equal(runSet([other], first.alerts as unknown as EcsEvent[]).alerts.length, 1, 'another rule may alert on it (depth 2)')
})

test('OS and dataset literals route too: a Linux rule never sees Windows events', () => {
  const linux = rule('process where host.os.type == "linux" and event.type == "start"')
  const windows = rule('process where host.os.type == "windows" and event.type == "start"')
  const { stats } = runSet([linux, windows], [proc(0, 'h1', 'cmd.exe'), proc(1, 'h1', 'bash')])
  assert.deepEqual(stats.rules.map((r) => [r.events, r.alerts]), [[0, 0], [2, 2]])
})

test('watermarks: lazy sequence runners give what every-rule-every-watermark does, event by event', () => {
  const rules = [
    rule('sequence by host.id with maxspan=20s [process where process.name : "whoami.exe"] [process where process.name : "cmd.exe"]'),
    rule('sequence by host.id with maxspan=30s [process where process.name : "wmic.exe"] ![process where process.name : "conhost.exe"]'),
    rule('sequence by host.id with maxspan=1m [process where process.name in ("whoami.exe", "ipconfig.exe")] [network where true] ![file where true]'),
    rule('sequence by host.id with maxspan=15s [network where true] [process where process.name : "wmic.exe"] [file where true]'),
    rule('process where process.name : "cmd.exe"'),
  ]
  // Trailing missing-event stages resolve when time passes; routing skips events that would pass it for
  // them, so their results may come a few events later: those are compared at the end only.
  const isTrailing = [false, true, true, false, false]
  for (const seed of [3, 5, 9]) {
    // High bits of the generator: its low bits cycle with a short period.
    let x = seed
    const rnd = (k: number): number => { x = (x * 1103515245 + 12345) % 2147483648; return Math.floor((x / 2147483648) * k) }
    const names = ['cmd.exe', 'whoami.exe', 'wmic.exe', 'conhost.exe', 'ipconfig.exe', 'notepad.exe']
    let sec = 0
    const events: EcsEvent[] = []
    for (let i = 0; i < 600; i++) {
      sec += rnd(6)
      const host = `h${rnd(3)}`
      const kind = rnd(5)
      events.push(kind === 0 ? net(sec, host, '10.0.0.1') : kind === 1 ? file(sec, host)
        : proc(sec, host, names[rnd(names.length)] ?? 'x', 'explorer.exe', rnd(2) ? 'alice' : 'bob'))
    }
    // Counted from alerts (one per result that is not a building block): stats() would catch runners up.
    const got = rules.map(() => 0)
    const set = createRuleSet(rules, {
      onAlert: (a) => { if (a['kibana.alert.building_block_type'] === undefined) got[rules.findIndex((r) => r.ruleId === a['kibana.alert.rule.rule_id'])]++ },
      now: () => new Date(T0),
    })
    const want = rules.map(() => 0)
    const runners = rules.map((r, i) => createRunner(r.query, { onResult: () => { want[i]++ } }))
    for (const rec of records(events)) {
      set.push(rec)
      for (const r of runners) r.push(rec)
      const mark = (rec.timestampMs ?? 0) - 5000
      set.advanceTo(mark)
      for (const r of runners) r.advanceTo(mark)
      for (const [i, n] of want.entries()) if (!isTrailing[i]) assert.equal(got[i], n, `seed ${seed} rule ${i} at event ${rec.ordinal}`)
    }
    set.end()
    for (const r of runners) r.end()
    assert.deepEqual(got, want, `seed ${seed}`)
    assert.ok(want.every((n) => n > 0), `seed ${seed}: every rule has results (${want.join(' ')})`)
  }
})

test('arrival path: single-event rules on arrival, the rest held in a reorder buffer — the same alerts as sorted input', async () => {
  const { createReorderBuffer } = await import('./reorder.js')
  const rules = [
    rule(WINRM),
    rule('process where process.name : "cmd.exe"'),
    rule('sequence by host.id with maxspan=10s [process where process.name : "whoami.exe"] [process where process.name : "cmd.exe"] until [file where true]'),
    rule('sample by host.id [process where process.name : "ipconfig.exe"] [network where source.ip == "10.0.0.1"]'),
    rule('process where process.name : "wmic.exe"',
      '[rule.alert_suppression]\ngroup_by = ["host.id"]\nmissing_fields_strategy = "suppress"\n[rule.alert_suppression.duration]\nvalue = 20\nunit = "s"\n'),
  ]
  const ids = (alerts: readonly Alert[]): string[] => alerts.map((a) => `${String(a['kibana.alert.rule.rule_id'])} ${String(a['kibana.alert.uuid'])}`).sort()
  for (const seed of [1, 2, 7, 11]) {
    let x = seed
    const rnd = (k: number): number => { x = (x * 1103515245 + 12345) % 2147483648; return Math.floor((x / 2147483648) * k) }
    const names = ['cmd.exe', 'whoami.exe', 'wmic.exe', 'conhost.exe', 'ipconfig.exe', 'notepad.exe']
    const events: EcsEvent[] = []
    let sec = 0
    for (let i = 0; i < 500; i++) {
      sec += rnd(4)
      const host = `h${rnd(3)}`
      const kind = rnd(6)
      events.push(kind === 0 ? net(sec, host, '10.0.0.1') : kind === 1 ? file(sec, host)
        : proc(sec, host, names[rnd(names.length)] ?? 'x', rnd(3) === 0 ? 'winrshost.exe' : 'explorer.exe'))
    }
    const sorted = records(events)
    // Arrival order: each event displaced by up to ~8 events (well inside a 60 s lateness).
    const arrival = sorted.map((r, i) => ({ r, k: i + rnd(9) })).sort((a, b) => a.k - b.k).map((o) => o.r)

    const want: Alert[] = []
    const reference = createRuleSet(rules, { onAlert: (a) => want.push(a), now: () => new Date(T0) })
    for (const r of sorted) reference.push(r)
    reference.end()

    const got: Alert[] = []
    const set = createRuleSet(rules, { onAlert: (a) => got.push(a), now: () => new Date(T0) })
    const reorder = createReorderBuffer({ latenessMs: 60_000, onRelease: (r) => set.pushOrdered(r), onWatermark: (ms) => set.advanceTo(ms) })
    let held = 0
    for (const r of arrival) {
      if (set.pushArrival(r)) { held++; reorder.push(r) } else reorder.observe(r.timestampMs)
    }
    reorder.flush()
    set.end()
    assert.equal(reorder.stats().late, 0)
    assert.deepEqual(ids(got), ids(want), `seed ${seed}`)
    assert.ok(want.length > 20, `seed ${seed}: ${want.length} alerts`)
    // Held: exactly the events some stage of an order-sensitive rule (sequence, sample, suppressed) matches.
    const ordered = [rules[0]!, rules[2]!, rules[3]!, rules[4]!].map((r) => r.query)
    const stageMatchers = ordered.flatMap((q) => (q.kind === 'event' ? [q.match] : [...q.stages, ...(q.kind === 'sequence' && q.until ? [q.until] : [])].map((st) => st.match)))
    const usable = arrival.filter((r) => stageMatchers.some((m) => m(r.event))).length
    assert.equal(held, usable, `seed ${seed}`)
    assert.ok(held < arrival.length, `seed ${seed}: every event held`)
  }
})
