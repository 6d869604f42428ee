// `vigil query` end to end over every input format, as a real subprocess: the two seed queries (read from
// rules/windows/*.toml) fire on exactly the labelled positives of every fixture source (Sysmon, Security
// 4688 + 5156, Elastic Defend, in each export format) and on the samples, and stay silent on the near
// misses; any query returns the normalized ECS events (ECS input exactly as read); hostile keys stay data;
// usage errors exit 2. Several checks share one process because the CLI takes ~1 s to start.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { zipSync, strToU8 } from 'fflate'
import { parse as parseToml } from 'smol-toml'
import { vigil, ROOT } from './run.js'

const ECS_FIXTURES = join(ROOT, 'test', 'fixtures', 'ecs')
const SAMPLES = ['sysmon-ws01-srv01.jsonl', 'security-srv01.xml', 'ecs-srv02.ndjson', 'defend-srv03.ndjson'].map((f) => join(ROOT, 'samples', f))

function ruleQuery(file: string): string {
  const doc = parseToml(readFileSync(join(ROOT, 'rules', 'windows', file), 'utf8')) as { rule: { query: string } }
  return doc.rule.query
}
const WMIC = ruleQuery('wmic_remote_command.toml')
const WINRM = ruleQuery('winrm_remote_shell.toml')

interface Label { readonly name: string; readonly wmic?: boolean; readonly winrmAfter?: number }
interface Source { readonly name: string; readonly input: string; readonly labels: Label[]; readonly rawText: string }

const nonEmptyLines = (text: string): string[] => text.split('\n').filter((l) => l !== '')

const SOURCES: Source[] = readdirSync(ECS_FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => {
  const dir = join(ECS_FIXTURES, d.name)
  const input = existsSync(join(dir, 'records.xml')) ? join(dir, 'records.xml') : join(dir, 'records.jsonl')
  return { name: d.name, input, labels: JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Label[], rawText: readFileSync(input, 'utf8') }
})

/** Golden ECS lines of a fixture source (ECS input verbatim). */
function goldenLines(name: string): string[] {
  const src = SOURCES.find((s) => s.name === name)!
  const raw = nonEmptyLines(src.rawText)
  return nonEmptyLines(readFileSync(join(ECS_FIXTURES, name, 'records.ecs.jsonl'), 'utf8')).map((l, i) => {
    const g = JSON.parse(l) as { status: string; event: unknown }
    return g.status === 'ecs' ? raw[i]! : JSON.stringify(g.event)
  })
}

/** stdout lines (the output ends with a newline, nothing else is there). */
function outputLines(stdout: string): string[] {
  if (stdout === '') return []
  assert.ok(stdout.endsWith('\n'), 'stdout ends with a newline')
  return stdout.slice(0, -1).split('\n')
}

/** The events of one query result: an event line, or the members of a sequence. */
function resultEvents(line: string): Record<string, unknown>[] {
  const v = JSON.parse(line) as Record<string, unknown>
  return Array.isArray(v.events) && Object.hasOwn(v, 'join_keys') ? (v.events as Record<string, unknown>[]) : [v]
}

function field(ev: unknown, path: string): unknown {
  let v: unknown = ev
  for (const k of path.split('.')) v = typeof v === 'object' && v !== null && Object.hasOwn(v, k) ? (v as Record<string, unknown>)[k] : undefined
  return v
}

let tmp = ''
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vigil-query-'))
})
after(() => {
  rmSync(tmp, { recursive: true, force: true })
})

test('seed queries fire on exactly the labelled positives of every source and on the samples, not on the near misses', async () => {
  const inputs = [...SOURCES.map((s) => s.input), ...SAMPLES]
  // The conversion gives each input event's normalized form, so every query result can be traced back
  // to its source record and label (test/cli/convert.test.ts checks the conversion against the goldens).
  const [conv, wmic, winrm] = await Promise.all([
    vigil(['convert', '-q', ...inputs]),
    vigil(['query', WMIC, ...inputs]),
    vigil(['query', WINRM, ...inputs]),
  ])
  for (const r of [conv, wmic, winrm]) assert.equal(r.code, 0, r.stderr)
  const converted = outputLines(conv.stdout).map((l) => JSON.parse(l) as Record<string, unknown>)
  const origin = new Map<string, string>()
  let at = 0
  for (const s of SOURCES) {
    for (const l of s.labels) origin.set(JSON.stringify(converted[at++]), `${s.name}/${l.name}`)
  }
  const samples = converted.slice(at)
  samples.forEach((ev, i) => origin.set(JSON.stringify(ev), `samples#${i}`))
  const whence = (ev: unknown): string => origin.get(JSON.stringify(ev)) ?? `not an input event: ${JSON.stringify(ev).slice(0, 200)}`

  // near misses the issue names, present in the fixtures with the values they are about
  const byLabel = (src: Source, name: string): Record<string, unknown> => converted[SOURCES.slice(0, SOURCES.indexOf(src)).reduce((n, s) => n + s.labels.length, 0) + src.labels.findIndex((l) => l.name === name)]!
  const args = (ev: unknown): string => JSON.stringify(field(ev, 'process.args'))
  let nearMissSources = 0
  for (const s of SOURCES) {
    const names = new Set(s.labels.map((l) => l.name))
    if (!names.has('wmic-localhost')) continue
    nearMissSources++
    assert.match(args(byLabel(s, 'wmic-localhost')), /\/node:localhost/i, `${s.name}: /node:localhost`)
    assert.match(args(byLabel(s, 'wmic-quoted-loopback')) + String(field(byLabel(s, 'wmic-quoted-loopback'), 'process.command_line')), /\/node:\\?"?127\.0\.0\.1/, `${s.name}: /node:"127.0.0.1"`)
    assert.match(args(byLabel(s, 'wmic-loopback')), /"\/node:127\.0\.0\.1"/, `${s.name}: /node:127.0.0.1`)
    assert.equal(field(byLabel(s, 'winrm-loopback-v6:network'), 'source.ip'), '::1', `${s.name}: ::1`)
    if (names.has('winrm-loopback-v6-long:network')) {
      assert.equal(field(byLabel(s, 'winrm-loopback-v6-long:network'), 'source.ip'), '::1', `${s.name}: 0:0:0:0:0:0:0:1 canonical`)
      assert.match(s.rawText, /0:0:0:0:0:0:0:1/, `${s.name}: the long form is in the raw input`)
    }
    assert.match(String(field(byLabel(s, 'winrm-conhost-child:process'), 'process.executable')), /\\conhost\.exe$/i, `${s.name}: conhost child`)
  }
  assert.equal(nearMissSources, SOURCES.length, 'every fixture source holds the near misses')

  const wmicHits = outputLines(wmic.stdout).map((l) => whence(JSON.parse(l))).sort()
  const wmicWanted = SOURCES.flatMap((s) => s.labels.filter((l) => l.wmic === true).map((l) => `${s.name}/${l.name}`))
  assert.deepEqual(wmicHits.filter((h) => !h.startsWith('samples#')), wmicWanted.sort(), 'WMIC: exactly the fixture positives')
  const wmicSamples = outputLines(wmic.stdout).map((l) => JSON.parse(l) as unknown).filter((ev) => whence(ev).startsWith('samples#'))
  assert.deepEqual(wmicSamples.map((ev) => [field(ev, 'host.name'), field(ev, 'event.code')]), [['WS01.corp.example', '1'], ['SRV01.corp.example', '4688']], 'WMIC on the samples: WS01 Sysmon, SRV01 4688')

  const pairs = outputLines(winrm.stdout).map((l) => resultEvents(l))
  const fixturePairs = pairs.map((evs) => evs.map(whence)).filter((p) => !p[0]!.startsWith('samples#')).map((p) => p.join(' -> ')).sort()
  const winrmWanted = SOURCES.flatMap((s) => s.labels.flatMap((l) => (l.winrmAfter === undefined ? [] : [`${s.name}/${s.labels[l.winrmAfter]!.name} -> ${s.name}/${l.name}`])))
  assert.ok(winrmWanted.length >= SOURCES.length, 'a WinRM positive in every source')
  assert.deepEqual(fixturePairs, winrmWanted.sort(), 'WinRM: exactly the fixture positives')
  const samplePairs = pairs.filter((evs) => whence(evs[0]).startsWith('samples#'))
    .map((evs) => [field(evs[1], 'host.name'), field(evs[0], 'source.ip'), field(evs[1], 'process.name')])
  assert.deepEqual(samplePairs, [
    ['SRV01.corp.example', '10.20.30.15', 'cmd.exe'],
    ['srv02.corp.example', '10.20.30.16', 'whoami.exe'],
    ['SRV03', '10.20.30.18', 'powershell.exe'],
  ], 'WinRM on the samples (the SRV01 sequence spans the Sysmon and Security files)')
  assert.match(winrm.stderr, new RegExp(`^ {2}results: ${pairs.length}$`, 'm'))
})

test('WinRM sequence over Security XML joins 5156 and 4688 on the synthesized host.id (any case), not across computers', async () => {
  const xml = nonEmptyLines(SOURCES.find((s) => s.name === 'security-xml')!.rawText)
  const labels = SOURCES.find((s) => s.name === 'security-xml')!.labels
  const net = xml[labels.findIndex((l) => l.name === 'winrm-remote:network')]!
  const proc = xml[labels.findIndex((l) => l.name === 'winrm-remote:process')]!
  const computer = /<Computer>([^<]+)<\/Computer>/.exec(net)![1]!
  assert.doesNotMatch(net + proc, /host\.id|<HostId>/, 'the XML carries no host id')
  const later = (x: string): string => x.replace(/SystemTime="2024-03-04T11:/, 'SystemTime="2024-03-04T13:')
  // same computer written in lower case: joins; another computer an hour later: does not
  writeFileSync(join(tmp, 'case.xml'), `${net}\n${proc.replace(`<Computer>${computer}</Computer>`, `<Computer>${computer.toLowerCase()}</Computer>`)}\n`)
  writeFileSync(join(tmp, 'other.xml'), `<Events>${later(net)}${later(proc).replace(`<Computer>${computer}</Computer>`, '<Computer>OTHER-HOST.corp.example.com</Computer>')}</Events>`)
  const r = await vigil(['query', WINRM, join(tmp, 'case.xml'), join(tmp, 'other.xml')])
  assert.equal(r.code, 0, r.stderr)
  const results = outputLines(r.stdout).map((l) => JSON.parse(l) as { join_keys: unknown[]; events: Record<string, unknown>[] })
  assert.equal(results.length, 1, r.stdout)
  const [n, p] = results[0]!.events
  assert.deepEqual([field(n, 'event.code'), field(p, 'event.code')], ['5156', '4688'])
  const id = field(n, 'host.id')
  assert.equal(typeof id, 'string')
  assert.equal(field(p, 'host.id'), id)
  assert.deepEqual(results[0]!.join_keys, [id])
  assert.equal(field(n, 'host.os.type'), 'windows')
})

test('any query returns the normalized events whatever the input format; ECS input exactly as read', async () => {
  const lines = (name: string): string[] => nonEmptyLines(SOURCES.find((s) => s.name === name)!.rawText)
  const ecsText = readFileSync(SAMPLES[2]!, 'utf8')
  const xml = lines('security-xml')
  const files: [string, string | Buffer, string[]][] = [
    ['ecs-crlf.ndjson', ecsText.replaceAll('\n', '\r\n'), nonEmptyLines(ecsText)],
    ['wlb.json', JSON.stringify(lines('sysmon-winlogbeat8').map((l) => JSON.parse(l)), null, 2), goldenLines('sysmon-winlogbeat8')],
    ['search.json', JSON.stringify({ hits: { hits: lines('defend').map((l, i) => ({ _index: 'logs-endpoint', _id: String(i), _source: JSON.parse(l) })) } }), goldenLines('defend').map((l) => JSON.stringify(JSON.parse(l)))],
    ['sec.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`<Events>\r\n${xml.join('\r\n')}\r\n</Events>`, 'utf16le')]), goldenLines('security-xml')],
    ['wef.ndjson.gz', gzipSync(SOURCES.find((s) => s.name === 'security-wef-winlogbeat8')!.rawText), goldenLines('security-wef-winlogbeat8')],
    ['otrf.zip', Buffer.from(zipSync({ 'nxlog.json': strToU8(SOURCES.find((s) => s.name === 'nxlog')!.rawText) })), goldenLines('nxlog')],
    ['dump.txt', lines('sysmon-evtx-json').map((l, i) => `Record ${i + 1}\n${JSON.stringify(JSON.parse(l), null, 2)}\n`).join(''), goldenLines('sysmon-evtx-json')],
  ]
  const paths = files.map(([name, data]) => {
    writeFileSync(join(tmp, name), data)
    return join(tmp, name)
  })
  const stdinSource = SOURCES.find((s) => s.name === 'security-evtx-json')!
  const r = await vigil(['query', 'any where true', ...paths, '-'], { input: stdinSource.rawText })
  assert.equal(r.code, 0, r.stderr)
  const got = outputLines(r.stdout)
  const want = [...files.flatMap(([, , w]) => w), ...goldenLines('security-evtx-json')]
  // `_search` hits come back as their `_source` (the parsed document, re-serialized)
  const gotSet = new Set(got)
  const wantSet = new Set(want)
  const short = (l: string): string => l.slice(0, 160)
  assert.deepEqual(want.filter((l) => !gotSet.has(l)).map(short), [], 'every input event is returned')
  assert.deepEqual(got.filter((l) => !wantSet.has(l)).map(short), [], 'nothing else is returned')
  assert.deepEqual([...got].sort(), [...want].sort(), 'as often as it was read')
  // Elasticsearch's order: by @timestamp
  const times = got.map((l) => Date.parse(String((JSON.parse(l) as Record<string, unknown>)['@timestamp'])))
  assert.ok(times.every((t, i) => i === 0 || times[i - 1]! <= t), 'results in timestamp order')
  assert.match(r.stderr, new RegExp(`^ {2}results: ${want.length}$`, 'm'))
})

test('__proto__ and constructor keys are plain data: found by their own path, never through the prototype', async () => {
  const hostile = '{"@timestamp":"2024-03-04T10:00:00.000Z","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"event":{"category":"process"}}'
  const plain = '{"@timestamp":"2024-03-04T10:00:01.000Z","polluted":1,"event":{"category":"process"}}'
  const file = join(tmp, 'hostile.ndjson')
  writeFileSync(file, `${hostile}\n${plain}\n`)
  const [byPrototype, byPath, none] = await Promise.all([
    vigil(['query', 'any where polluted == 1', file]),
    vigil(['query', 'process where __proto__.polluted == 1 and constructor.prototype.polluted == 2 and polluted == null', file]),
    vigil(['query', 'any where toString != null or hasOwnProperty != null or valueOf != null', file]),
  ])
  for (const r of [byPrototype, byPath, none]) assert.equal(r.code, 0, r.stderr)
  assert.equal(byPrototype.stdout, `${plain}\n`, 'only the event that has the field itself')
  assert.equal(byPath.stdout, `${hostile}\n`, 'the hostile keys as ordinary fields, echoed unchanged')
  assert.equal(none.stdout, '', 'Object.prototype members are not fields')
  assert.match(none.stderr, /^ {2}results: 0$/m)
})

// (unknown options and missing arguments: test/cli/convert.test.ts, the same commander handling)
test('query exit codes: 2 for an invalid query with line:column and for a --strict failure; 0 despite bad records', async () => {
  const bad = join(tmp, 'bad.ndjson')
  writeFileSync(bad, '{"@timestamp":"2024-03-04T10:00:00.000Z","event":{"category":"process"}}\n{"event":{"category":"process"},"process":{"name":"cut.exe"\n')
  // an ECS document nested 100 000 deep in a pretty-printed array (so not kept as text): too deep to serialize
  const deep = join(tmp, 'deep.json')
  writeFileSync(deep, `[{"@timestamp":"2024-03-04T10:00:01.000Z",\n"event":{"category":"process"},"n":${'{"n":'.repeat(100000)}1${'}'.repeat(100000)}}]\n`)
  const [invalid, strict, lenient] = await Promise.all([
    vigil(['query', 'process where\n  process.name == ', bad]),
    // a query with a literal lets ECS lines without it be skipped unparsed; --strict must still see line 2
    vigil(['query', '--strict', 'process where process.name == "WMIC.exe"', bad]),
    vigil(['query', 'any where true', bad, join(tmp, 'missing.ndjson'), deep]),
  ])
  assert.equal(invalid.code, 2)
  assert.match(invalid.stderr, /line 2:\d+: /)
  assert.equal(invalid.stdout, '')
  assert.equal(strict.code, 2)
  assert.equal(strict.stderr, `vigil: ${bad}:2: ${/: (invalid JSON.*)$/m.exec(lenient.stderr)?.[1] ?? 'invalid JSON'}\n`)
  assert.equal(lenient.code, 0, 'malformed records and missing files are reported, not fatal')
  assert.equal(outputLines(lenient.stdout).length, 1)
  assert.match(lenient.stderr, new RegExp(`^ {4}${bad.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: invalid JSON`, 'm'))
  assert.match(lenient.stderr, /missing\.ndjson: cannot read: ENOENT/)
  assert.match(lenient.stderr, new RegExp(`^ {4}${deep.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: cannot serialize result: `, 'm'))
  assert.match(lenient.stderr, /^ {2}malformed records skipped: 3$/m)
})

test('the raw-line prefilter on ECS input is sound: JSON escapes and other letter cases still match, exactly as read', async () => {
  const ev = (t: number, name: string, args: string): string =>
    `{"@timestamp":"2024-03-04T10:00:0${t}.000Z","event":{"category":"process","type":"start"},"host":{"os":{"type":"windows"}},"process":{"name":"${name}","args":${args}}}`
  const hits = [
    ev(0, 'WMIC\\u002eexe', '["wmic","/node:10.0.0.1","process","call","create","x"]'),
    ev(1, '\\u0057MIC.exe', '["wmic","/node:10.0.0.1","process","call","create","x"]'),
    ev(2, 'WMIC.exe', '["wmic","\\/node:10.0.0.1","process","\\u0063all","create","x"]'),
    ev(3, 'wmic.EXE', '["wmic","/NODE:10.0.0.1","process","CALL","create","x"]'),
  ]
  const misses = [ev(4, 'cmd.exe', '["cmd","/c","dir"]'), ev(5, 'WMIC.exe', '["wmic","/node:localhost","process","call","create","x"]')]
  const file = join(tmp, 'escapes.ndjson')
  writeFileSync(file, [hits[0], misses[0], hits[1], hits[2], misses[1], hits[3]].join('\n') + '\n')
  const r = await vigil(['query', WMIC, file])
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(outputLines(r.stdout), hits)
  assert.match(r.stderr, /^vigil: 6 events from 1 file\(s\)/m)
})

test('vigil query --sort-memory: a broad query over more than the budget sorts through temporary files, in order, and cleans up', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sortmem-'))
  try {
    const tmp = join(dir, 'tmp')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(tmp)
    // ~3 MiB of events in shuffled time order (a stride through the seconds of an hour), 1 MiB budget.
    const n = 6000
    const lines: string[] = []
    for (let i = 0; i < n; i++) {
      const s = (i * 2731) % 3600
      const ts = new Date(Date.UTC(2026, 10, 1, 8, 0, s)).toISOString()
      lines.push(JSON.stringify({ '@timestamp': ts, event: { category: ['process'], type: ['start'] }, process: { name: 'cmd.exe', pid: i, command_line: `cmd.exe /c echo ${'x'.repeat(400)}` } }))
    }
    const input = join(dir, 'events.ndjson')
    writeFileSync(input, lines.join('\n') + '\n')
    const r = await vigil(['query', 'process where process.name == "cmd.exe"', input, '--sort-memory', '1'], { env: { TMPDIR: tmp } })
    assert.equal(r.code, 0, r.stderr)
    const out = nonEmptyLines(r.stdout).map((l) => JSON.parse(l) as { '@timestamp': string; process: { pid: number } })
    assert.equal(out.length, n)
    const expected = lines.map((l, i) => ({ ts: (JSON.parse(l) as { '@timestamp': string })['@timestamp'], i }))
      .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.i - b.i)).map((x) => x.i)
    assert.deepEqual(out.map((e) => e.process.pid), expected, 'Elasticsearch order: timestamp, then input order')
    assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('vigil-')), [], 'temporary run files removed')
    assert.match(r.stderr, /results: 6000/)
    assert.match(r.stderr, /sorted through [2-9] temporary run files/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('vigil query interrupted while sorting through temporary files (SIGINT) leaves none behind', async () => {
  const { spawn } = await import('node:child_process')
  const { mkdirSync } = await import('node:fs')
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sigint-'))
  try {
    const tmp = join(dir, 'tmp')
    mkdirSync(tmp)
    const line = (i: number): string => JSON.stringify({ '@timestamp': new Date(Date.UTC(2026, 10, 1) + ((i * 7919) % 100_000) * 1000).toISOString(), event: { category: ['process'] }, process: { name: 'cmd.exe', pid: i, command_line: 'x'.repeat(600) } })
    const input = join(dir, 'big.ndjson')
    writeFileSync(input, Array.from({ length: 60_000 }, (_, i) => line(i)).join('\n') + '\n') // ~40 MB
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'query', 'process where process.name == "cmd.exe"', input, '--sort-memory', '1', '-o', join(dir, 'out.ndjson')], {
      cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore',
    })
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)))
    // Wait for the first run file, then interrupt.
    const deadline = Date.now() + 60_000
    const runDirs = (): string[] => readdirSync(tmp).filter((f) => f.startsWith('vigil-query-'))
    while (runDirs().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    assert.equal(runDirs().length, 1, 'the query spilled to a temporary directory')
    child.kill('SIGINT')
    assert.equal(await exited, 130)
    assert.deepEqual(runDirs(), [], 'temporary run files removed on Ctrl-C')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
