// `vigil convert` end to end, as a real subprocess: every input format comes out as the ECS fixtures'
// golden events (test/fixtures/ecs/<source>/records.ecs.jsonl), one per line, in input order, nothing else
// on stdout; the run summary on stderr counts events per provider / event code, unmapped events and
// malformed records with their positions. The CLI takes ~1 s to start, so each process checks many inputs.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { zipSync, strToU8 } from 'fflate'
import { spawn } from 'node:child_process'
import { vigil, ROOT, type RunResult } from './run.js'

const ECS_FIXTURES = join(ROOT, 'test', 'fixtures', 'ecs')

interface Golden {
  readonly status: 'ecs' | 'mapped' | 'unmapped' | 'invalid'
  readonly event: Record<string, unknown>
}

interface Source {
  readonly name: string
  /** records.jsonl or records.xml */
  readonly input: string
  readonly rawText: string
  readonly golden: Golden[]
  /** What `vigil convert` must print for the source: ECS input verbatim, the rest as golden JSON. */
  readonly expected: string[]
}

function nonEmptyLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '')
}

function loadSource(name: string): Source {
  const dir = join(ECS_FIXTURES, name)
  const input = existsSync(join(dir, 'records.xml')) ? join(dir, 'records.xml') : join(dir, 'records.jsonl')
  const rawText = readFileSync(input, 'utf8')
  const golden = nonEmptyLines(readFileSync(join(dir, 'records.ecs.jsonl'), 'utf8')).map((l) => JSON.parse(l) as Golden)
  const rawLines = nonEmptyLines(rawText)
  const expected = golden.flatMap((g, i) => (g.status === 'invalid' ? [] : [g.status === 'ecs' ? rawLines[i]! : JSON.stringify(g.event)]))
  return { name, input, rawText, golden, expected }
}

const SOURCES = readdirSync(ECS_FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => loadSource(d.name))
const source = (name: string): Source => {
  const s = SOURCES.find((x) => x.name === name)
  if (!s) throw new Error(`no ECS fixture source ${name}`)
  return s
}

/**
 * Leaf paths where two JSON values differ. The Splunk fixture rows carry the original event in `_raw`
 * and Splunk's extracted fields beside it; the reader uses `_raw` (lossless) while the golden was made
 * from the fields: the fixture's `_raw` has another ThreadID and a numeric Opcode, and Splunk's single
 * `ProcessID` field cannot tell the System/Execution pid from a 5156's EventData ProcessID.
 */
function differingPaths(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    return [...keys].flatMap((k) => differingPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k))
  }
  return Object.is(a, b) ? [] : [path]
}
const SPLUNK_RAW_ONLY = /^winlog\.(opcode|process(\..*)?)$/

/** Asserts stdout holds exactly `expected` lines (then a final newline), slice by slice per input. */
function assertLines(stdout: string, parts: readonly { readonly label: string; readonly lines: readonly string[] }[]): void {
  assert.ok(stdout === '' || stdout.endsWith('\n'), 'stdout ends with a newline')
  const got = stdout === '' ? [] : stdout.slice(0, -1).split('\n')
  const total = parts.reduce((n, p) => n + p.lines.length, 0)
  let at = 0
  for (const p of parts) {
    const slice = got.slice(at, at + p.lines.length)
    if (p.label.startsWith('splunk')) {
      assert.equal(slice.length, p.lines.length, `${p.label}: line count`)
      slice.forEach((line, i) => {
        const diff = differingPaths(JSON.parse(line), JSON.parse(p.lines[i]!))
        assert.deepEqual(diff.filter((d) => !SPLUNK_RAW_ONLY.test(d)), [], `${p.label} line ${i + 1}: only _raw-only fields may differ`)
      })
    } else {
      for (let i = 0; i < p.lines.length; i++) assert.equal(slice[i], p.lines[i], `${p.label}: output line ${i + 1}`)
    }
    at += p.lines.length
  }
  assert.equal(got.length, total, 'nothing else on stdout')
}

/** The summary's `count  provider / code` lines. */
function summaryCounts(stderr: string): Map<string, number> {
  const m = new Map<string, number>()
  for (const line of stderr.split('\n')) {
    const hit = /^ {2}\s*(\d+) {2}(\S.* \/ .+)$/.exec(line)
    if (hit) m.set(hit[2]!, Number(hit[1]))
  }
  return m
}

/** What the summary must count for golden events: `event.provider / event.code`, ECS input by dataset / action. */
function expectedCounts(goldens: readonly Golden[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const g of goldens) {
    if (g.status === 'invalid') continue
    const ev = (g.event.event ?? {}) as Record<string, unknown>
    const key = `${String(ev.provider ?? ev.dataset ?? ev.module)} / ${String(ev.code ?? ev.action)}`
    m.set(key, (m.get(key) ?? 0) + 1)
  }
  return m
}

/** The summary lists the 20 most frequent `provider / code` keys with exact counts, then how many more. */
function assertSummaryCounts(stderr: string, want: Map<string, number>): void {
  const got = summaryCounts(stderr)
  assert.equal(got.size, Math.min(20, want.size), `listed sources\n${stderr}`)
  for (const [k, n] of got) assert.equal(n, want.get(k), `summary count of ${k}`)
  const unlisted = [...want].filter(([k]) => !got.has(k))
  if (unlisted.length > 0) {
    assert.match(stderr, new RegExp(`^ {2}… ${unlisted.length} more sources$`, 'm'))
    assert.ok(Math.min(...got.values()) >= Math.max(...unlisted.map(([, n]) => n)), 'the most frequent sources are listed')
  }
}

/** The positioned problems listed under `malformed records skipped: N`. */
function problemLines(stderr: string): string[] {
  const lines = stderr.split('\n')
  const at = lines.findIndex((l) => /^ {2}malformed records skipped: \d+$/.test(l))
  if (at === -1) return []
  const out: string[] = []
  for (const l of lines.slice(at + 1)) {
    if (!l.startsWith('    ')) break
    out.push(l.trim())
  }
  return out
}

function eventsLine(stderr: string): { events: number; files: number } {
  const m = /^vigil: (\d+) events from (\d+) file\(s\)/m.exec(stderr)
  assert.ok(m, `summary headline on stderr:\n${stderr}`)
  return { events: Number(m[1]), files: Number(m[2]) }
}

let tmp = ''
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vigil-convert-'))
})
after(() => {
  rmSync(tmp, { recursive: true, force: true })
})

test('every ECS fixture source converts to its golden events, in input order, with the summary on stderr', async () => {
  assert.ok(SOURCES.length >= 9, 'all fixture sources found')
  const r = await vigil(['convert', ...SOURCES.map((s) => s.input), '--to', 'ecs-ndjson'])
  assert.equal(r.code, 0, r.stderr)
  assertLines(r.stdout, SOURCES.map((s) => ({ label: s.name, lines: s.expected })))
  const all = SOURCES.flatMap((s) => s.golden)
  assert.deepEqual(eventsLine(r.stderr), { events: all.filter((g) => g.status !== 'invalid').length, files: SOURCES.length })
  assertSummaryCounts(r.stderr, expectedCounts(all))
  const unmapped = all.filter((g) => g.status === 'unmapped').length
  assert.ok(unmapped > 0, 'fixtures hold unmapped events')
  assert.match(r.stderr, new RegExp(`^ {2}unmapped events \\(passed through under winlog.event_data\\): ${unmapped}$`, 'm'))
  assert.doesNotMatch(r.stderr, /malformed/)
})

test('derived formats: ECS NDJSON (LF and CRLF), JSON array, _search, evtx_dump text, XML variants, UTF-16, gzip, zip, stdin', async () => {
  const defend = source('defend')
  const wlb = source('sysmon-winlogbeat8')
  const secXml = source('security-xml')
  const sysJson = source('sysmon-evtx-json')
  const nxlog = source('nxlog')
  const secJson = source('security-evtx-json')
  const pyEvtx = source('sysmon-python-evtx')
  const samplesEcs = readFileSync(join(ROOT, 'samples', 'ecs-srv02.ndjson'), 'utf8')

  const xmlLines = nonEmptyLines(secXml.rawText)
  const eventsXml = `<?xml version="1.0" encoding="UTF-16"?>\r\n<Events>\r\n${xmlLines.join('\r\n')}\r\n</Events>\r\n`
  const files: { name: string; data: string | Buffer; label: string; lines: string[] }[] = [
    // ECS input comes back byte for byte, whatever its key order, escapes or number spelling.
    { name: 'ecs.ndjson', data: samplesEcs, label: 'ECS NDJSON', lines: nonEmptyLines(samplesEcs) },
    { name: 'ecs-crlf.ndjson', data: defend.rawText.replaceAll('\n', '\r\n'), label: 'ECS NDJSON with CRLF', lines: defend.expected },
    { name: 'wlb-array.json', data: JSON.stringify(nonEmptyLines(wlb.rawText).map((l) => JSON.parse(l)), null, 2), label: 'JSON array of Winlogbeat 8 docs', lines: wlb.expected },
    {
      name: 'search.json',
      data: JSON.stringify({
        took: 3, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
        hits: { total: { value: defend.expected.length, relation: 'eq' }, max_score: 1, hits: defend.expected.map((l, i) => ({ _index: '.ds-logs-endpoint.events.process-default-2024.03.04-000001', _id: `d${i}`, _score: 1, _source: JSON.parse(l) })) },
      }, null, 1),
      label: 'Elasticsearch _search response',
      lines: defend.expected.map((l) => JSON.stringify(JSON.parse(l))),
    },
    { name: 'dump.txt', data: nonEmptyLines(sysJson.rawText).map((l, i) => `Record ${i + 1}\n${JSON.stringify(JSON.parse(l), null, 2)}\n`).join(''), label: 'evtx_dump text output', lines: sysJson.expected },
    { name: 'one-event.xml', data: xmlLines[0]!, label: 'single <Event>', lines: secXml.expected.slice(0, 1) },
    { name: 'events.xml', data: eventsXml.replace(' encoding="UTF-16"', ''), label: '<Events> root', lines: secXml.expected },
    { name: 'events-utf16.xml', data: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(eventsXml, 'utf16le')]), label: 'UTF-16LE XML export with BOM', lines: secXml.expected },
    { name: 'sysmon.jsonl.gz', data: gzipSync(sysJson.rawText), label: 'gzip', lines: sysJson.expected },
    {
      name: 'bundle.zip',
      data: Buffer.from(zipSync({ 'a/nxlog.json': strToU8(nxlog.rawText), 'b/security.jsonl.gz': gzipSync(secJson.rawText) })),
      label: 'zip (entries in order, a gzip inside)',
      lines: [...nxlog.expected, ...secJson.expected],
    },
  ]
  const paths: string[] = []
  const parts: { label: string; lines: string[] }[] = []
  for (const f of files) {
    const path = join(tmp, f.name)
    writeFileSync(path, f.data)
    paths.push(path)
    parts.push({ label: f.label, lines: f.lines })
  }
  // stdin in the middle of the list keeps its place in the output
  paths.splice(3, 0, '-')
  parts.splice(3, 0, { label: 'stdin (-)', lines: pyEvtx.expected })
  const r = await vigil(['convert', ...paths], { input: pyEvtx.rawText })
  assert.equal(r.code, 0, r.stderr)
  assertLines(r.stdout, parts)
  assert.equal(eventsLine(r.stderr).events, parts.reduce((n, p) => n + p.lines.length, 0))
  assert.doesNotMatch(r.stderr, /malformed/)
})

test('directories are read recursively in name order, --include/--exclude filter them; -o writes a file and nothing on stdout', async () => {
  const dir = join(tmp, 'logs')
  mkdirSync(join(dir, 'hostA', 'old'), { recursive: true })
  mkdirSync(join(dir, 'hostB'), { recursive: true })
  const sys = source('sysmon-python-evtx')
  const sec = source('security-xml')
  const nx = source('nxlog')
  writeFileSync(join(dir, 'hostA', 'sysmon.jsonl'), sys.rawText)
  writeFileSync(join(dir, 'hostA', 'old', 'nxlog.jsonl'), nx.rawText)
  writeFileSync(join(dir, 'hostB', 'Security.xml.gz'), gzipSync(sec.rawText))
  writeFileSync(join(dir, 'hostB', 'notes.txt'), 'not telemetry\n')
  const out = join(tmp, 'out.ndjson')
  const r = await vigil(['convert', dir, '--include', '*.jsonl', '*.gz', '--exclude', 'old', '-o', out])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, '', 'nothing on stdout with -o')
  // hostA/old is excluded, notes.txt is not included; hostA/sysmon.jsonl before hostB/Security.xml.gz
  assertLines(readFileSync(out, 'utf8'), [{ label: 'hostA/sysmon.jsonl', lines: sys.expected }, { label: 'hostB/Security.xml.gz', lines: sec.expected }])
  assert.deepEqual(eventsLine(r.stderr), { events: sys.expected.length + sec.expected.length, files: 2 })

  // without filters every file is read, notes.txt included (and reported, not silently dropped)
  const all = await vigil(['convert', dir, '-q'])
  assert.equal(all.code, 0, all.stderr)
  assert.equal(all.stderr, '', '-q: no summary')
  assertLines(all.stdout, [{ label: 'nxlog', lines: nx.expected }, { label: 'sysmon', lines: sys.expected }, { label: 'security', lines: sec.expected }])
})

test('bad input: malformed, truncated, __proto__, empty and missing inputs are reported with positions and skipped', async () => {
  const defend = source('defend')
  const d = defend.expected
  const sec = source('security-xml')
  const xml = nonEmptyLines(sec.rawText)
  const gz = gzipSync(defend.rawText)
  const truncatedGzip = gz.subarray(0, Math.floor(gz.length * 0.6))
  const protoLine = '{"__proto__":{"polluted":1},"@timestamp":"2024-03-04T10:11:00.000Z","constructor":{"prototype":{"polluted":2}},"event":{"category":"process"}}'
  const inputs: [string, string | Buffer][] = [
    ['middle.ndjson', `${d[0]}\n${d[1]}\n{"event": {"category": "process"\n${d[2]}\n\n${d[3]}\n`],
    ['truncated.ndjson', `${d[4]}\n${d[5]}\n${d[6]!.slice(0, 200)}`],
    ['proto.ndjson', `${protoLine}\n`],
    ['empty.ndjson', ''],
    ['truncated.xml', `<Events>${xml[0]}${xml[1]}${xml[2]!.slice(0, 300)}`],
    ['truncated.jsonl.gz', truncatedGzip],
    ['not-objects.ndjson', '{"x":1}\n[1,2]\n  \r\nnull\n'],
    // a Sysmon record with a value nested 100 000 deep (JSON.stringify would overflow the stack on it)
    ['deep.jsonl', `{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":1,"Computer":"WS1","TimeCreated":{"#attributes":{"SystemTime":"2024-03-04T10:00:00Z"}}},"EventData":{"Image":${'{"n":'.repeat(100000)}1${'}'.repeat(100000)}}}}\n`],
  ]
  const paths = inputs.map(([name, data]) => {
    writeFileSync(join(tmp, name), data)
    return join(tmp, name)
  })
  const missing = join(tmp, 'no-such-file.ndjson')
  const r = await vigil(['convert', ...paths, missing])
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.slice(0, -1).split('\n')
  // The good lines around the bad ones, the pollution attempt as plain data, the two XML events before
  // the cut; the truncated gzip yields whatever whole lines it held (a prefix of the file).
  const head = [d[0], d[1], d[2], d[3], d[4], d[5], protoLine, sec.expected[0], sec.expected[1]]
  assert.deepEqual(lines.slice(0, head.length), head)
  const fromGzip = lines.slice(head.length, -1)
  // the record with the 100 000-deep value still becomes its event (the value cannot be rendered)
  const deepEvent = JSON.parse(lines.at(-1)!) as { event: { code: string }; host: { name: string } }
  assert.deepEqual([deepEvent.event.code, deepEvent.host.name], ['1', 'WS1'])
  assert.ok(fromGzip.length > 0 && fromGzip.length < d.length, `truncated gzip: some whole lines (${fromGzip.length})`)
  assert.deepEqual(fromGzip, d.slice(0, fromGzip.length), 'truncated gzip: a prefix of the good lines')

  const problems = problemLines(r.stderr)
  const where = problems.map((l) => l.trim().replace(/: .*/, ''))
  assert.equal(where[0], `${paths[0]}:3`, `malformed line reported with file:line\n${r.stderr}`)
  assert.equal(where[1], `${paths[1]}:3`, 'a truncated last line is reported with its line')
  assert.ok(where.some((w) => w.startsWith(paths[4]!)), `truncated XML reported\n${r.stderr}`)
  assert.ok(where.some((w) => w.startsWith(paths[5]!)), `truncated gzip reported\n${r.stderr}`)
  assert.ok(problems.some((l) => l.includes(missing) && /ENOENT|no such file/.test(l)), `missing file reported\n${r.stderr}`)
  assert.deepEqual(where.filter((w) => w.startsWith(paths[6]!)), [1, 2, 4].map((n) => `${paths[6]}:${n}`), 'non-event lines reported, blank lines skipped')
  assert.ok(!where.some((w) => w.startsWith(paths[2]!) || w.startsWith(paths[3]!) || w.startsWith(paths[7]!)), '__proto__, empty and deep files are not problems')
  const malformed = /^ {2}malformed records skipped: (\d+)$/m.exec(r.stderr)
  assert.equal(Number(malformed?.[1]), problems.length, 'every problem counted and listed')
  assert.equal(eventsLine(r.stderr).events, lines.length)
})

test('--strict fails with exit 2 and the position of the first malformed record', async () => {
  const d = source('defend').expected
  const path = join(tmp, 'strict.ndjson')
  writeFileSync(path, `${d[0]}\n${d[1]}\nnot json at all\n${d[2]}\n`)
  const r = await vigil(['convert', '--strict', path])
  assert.equal(r.code, 2)
  assert.match(r.stderr, new RegExp(`^vigil: ${path.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: `, 'm'))
  assert.doesNotMatch(r.stdout, /not json/)
})

test('usage errors exit 2', async () => {
  const cases: { args: string[]; stderr: RegExp }[] = [
    { args: ['convert', '--bogus', 'x.ndjson'], stderr: /unknown option '--bogus'/ },
    { args: ['convert'], stderr: /missing required argument 'inputs'/ },
    { args: ['convert', '--to', 'csv', 'x.ndjson'], stderr: /argument 'csv' is invalid/ },
  ]
  const results: RunResult[] = await Promise.all(cases.map((c) => vigil(c.args)))
  results.forEach((r, i) => {
    assert.equal(r.code, 2, `${cases[i]!.args.join(' ')}: exit code`)
    assert.match(r.stderr, cases[i]!.stderr)
    assert.equal(r.stdout, '')
  })
})

test('an unwritable -o is a usage error before reading; a closed stdout pipe (| head) ends quietly', async () => {
  const noDir = await vigil(['convert', source('defend').input, '-o', join(tmp, 'no-such-dir', 'out.ndjson')])
  assert.equal(noDir.code, 2)
  assert.match(noDir.stderr, /^vigil: cannot write .*no-such-dir.*ENOENT/m)
  assert.equal(noDir.stdout, '')

  // ~1.5 MB of output: the reader goes away after the first block, as `vigil convert … | head -1` does
  const big = join(tmp, 'big.jsonl')
  writeFileSync(big, SOURCES.filter((s) => s.input.endsWith('.jsonl')).map((s) => s.rawText).join('').repeat(6))
  const { code, stderr, firstLine } = await new Promise<{ code: number | null; stderr: string; firstLine: string }>((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'convert', big], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    let first = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d })
    child.stdout.setEncoding('utf8').once('data', (d: string) => {
      first = d.slice(0, d.indexOf('\n'))
      child.stdout.destroy()
    })
    child.on('error', fail)
    child.on('close', (c) => done({ code: c, stderr: err, firstLine: first }))
  })
  assert.equal(code, 0, stderr)
  assert.doesNotMatch(stderr, /EPIPE|Error|at /)
  assert.equal(firstLine, source(SOURCES.find((s) => s.input.endsWith('.jsonl'))!.name).expected[0])
})
