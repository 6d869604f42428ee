// EVTX through the real CLI: `vigil convert x.evtx` and `vigil query` read EVTX files (from disk, or
// spooled out of gzip); `vigil query` finds the same events, field by field, in an EVTX file as in its
// ECS NDJSON conversion; damaged files (a garbage chunk, a truncated file, the third-party sample with a bad
// chunk magic) report every problem at file@offset and still output every record that can be decoded.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { vigil, ROOT } from './run.js'

const EVTX_DIR = join(ROOT, 'test', 'fixtures', 'third_party', 'omerbenamram-evtx')
const SYSMON = join(EVTX_DIR, 'sysmon.evtx')
const BAD_MAGIC = join(EVTX_DIR, 'sample_with_a_bad_chunk_magic.evtx')
const FILE_HEADER = 4096
const CHUNK = 65536

/** The record ids (file record numbers, as in winlog.record_id) a chunk header says the chunk holds. */
function chunkRecordIds(file: Buffer, chunk: number): { first: number; last: number } {
  const at = FILE_HEADER + chunk * CHUNK
  assert.equal(file.toString('latin1', at, at + 7), 'ElfChnk', `chunk ${chunk} is a chunk`)
  return { first: Number(file.readBigUInt64LE(at + 24)), last: Number(file.readBigUInt64LE(at + 32)) }
}

function outputLines(stdout: string): string[] {
  if (stdout === '') return []
  assert.ok(stdout.endsWith('\n'), 'stdout ends with a newline')
  return stdout.slice(0, -1).split('\n')
}

const recordId = (line: string): number => Number((JSON.parse(line) as { winlog: { record_id: string } }).winlog.record_id)

/** The positioned problems listed under `malformed records skipped: N`, and N. */
function problems(stderr: string): { count: number; listed: string[] } {
  const lines = stderr.split('\n')
  const at = lines.findIndex((l) => /^ {2}malformed records skipped: \d+$/.test(l))
  if (at === -1) return { count: 0, listed: [] }
  const listed: string[] = []
  for (const l of lines.slice(at + 1)) {
    if (!l.startsWith('    ')) break
    listed.push(l.trim())
  }
  return { count: Number(/\d+/.exec(lines[at]!)![0]), listed }
}

const escape = (s: string): string => s.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')

let tmp = ''
let sysmonBytes: Buffer
let full: string[] = []
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vigil-evtx-'))
  sysmonBytes = readFileSync(SYSMON)
})
after(() => {
  rmSync(tmp, { recursive: true, force: true })
})

test('convert reads EVTX; query finds the same events in the EVTX file as in its NDJSON conversion, field by field', async () => {
  const jsonl = join(tmp, 'sysmon.ndjson')
  const conv = await vigil(['convert', SYSMON, '--to', 'ecs-ndjson', '-o', jsonl])
  assert.equal(conv.code, 0, conv.stderr)
  assert.equal(conv.stdout, '')
  full = outputLines(readFileSync(jsonl, 'utf8'))
  // 9 chunks of records (1742…2099), in file order; then the file's slack, which is not a chunk
  const last = chunkRecordIds(sysmonBytes, 8).last
  assert.deepEqual(full.map(recordId), Array.from({ length: last - 1742 + 1 }, (_, i) => 1742 + i))
  assert.match(conv.stderr, new RegExp(`^vigil: ${full.length} events from 1 file\\(s\\)`, 'm'))
  assert.match(conv.stderr, /^ +\d+ {2}Microsoft-Windows-Sysmon \/ 1$/m)
  for (const p of problems(conv.stderr).listed) assert.match(p, new RegExp(`^${escape(SYSMON)}@\\d+: `), 'problems positioned by offset')

  const queries = ['any where event.code : ("1", "3") and host.os.type == "windows"', 'sequence by process.entity_id with maxspan=5m [process where event.type == "start"] [any where event.code in ("10", "11", "13")] | head 20']
  const runs = await Promise.all(queries.flatMap((q) => [vigil(['query', q, SYSMON]), vigil(['query', q, jsonl])]))
  for (const r of runs) assert.equal(r.code, 0, r.stderr)
  queries.forEach((q, i) => {
    const fromEvtx = outputLines(runs[2 * i]!.stdout)
    const fromJsonl = outputLines(runs[2 * i + 1]!.stdout)
    assert.ok(fromEvtx.length > 0, `${q}: results`)
    assert.equal(fromEvtx.length, fromJsonl.length, `${q}: as many results`)
    fromEvtx.forEach((l, j) => assert.deepEqual(JSON.parse(l), JSON.parse(fromJsonl[j]!), `${q}: result ${j + 1}`))
    // the NDJSON conversion is ECS input now: it comes back exactly as converted
    if (i === 0) for (const l of fromJsonl) assert.ok(full.includes(l), 'an ECS line comes back as read')
  })
  const codes = full.map((l) => (JSON.parse(l) as { event: { code: string } }).event.code)
  assert.equal(outputLines(runs[0]!.stdout).length, codes.filter((c) => c === '1' || c === '3').length, 'every Sysmon 1 and 3 event found')
})

test('a garbage chunk, a truncated file and EVTX inside gzip: problems at file@offset, every decodable record output', async () => {
  assert.ok(full.length > 0, 'the conversion test ran first')
  // chunk 1 overwritten after its header: its records are lost, every other chunk decodes
  const garbage = Buffer.from(sysmonBytes)
  const chunk1 = FILE_HEADER + CHUNK
  for (let i = chunk1 + 512; i < chunk1 + CHUNK; i++) garbage[i] = (i * 131 + 7) & 0xff
  const lost = chunkRecordIds(sysmonBytes, 1)
  // cut in the middle of chunk 3: chunks 0-2 are whole
  const cutAt = FILE_HEADER + 3 * CHUNK + 20000
  const files: [string, Buffer][] = [
    ['garbage-chunk.evtx', garbage],
    ['truncated.evtx', sysmonBytes.subarray(0, cutAt)],
    ['sysmon.evtx.gz', gzipSync(sysmonBytes)],
  ]
  for (const [name, data] of files) writeFileSync(join(tmp, name), data)
  const [g, t, z, strict] = await Promise.all([
    ...files.map(([name]) => vigil(['convert', join(tmp, name)])),
    vigil(['convert', '--strict', join(tmp, 'garbage-chunk.evtx')]),
  ])

  assert.equal(g.code, 0, g.stderr)
  const gLines = outputLines(g.stdout)
  assert.deepEqual(gLines, full.filter((l) => recordId(l) < lost.first || recordId(l) > lost.last), 'all records but those of the garbage chunk')
  const gp = problems(g.stderr)
  assert.ok(gp.count >= 1 && gp.listed.length === Math.min(gp.count, 10), 'problems counted and listed')
  for (const p of gp.listed) assert.match(p, new RegExp(`^${escape(join(tmp, 'garbage-chunk.evtx'))}@\\d+: `))
  const offsets = gp.listed.map((p) => Number(/@(\d+):/.exec(p)![1]))
  assert.ok(offsets.some((o) => o >= chunk1 && o < chunk1 + CHUNK), `a problem inside chunk 1\n${g.stderr}`)

  assert.equal(t.code, 0, t.stderr)
  const tLines = outputLines(t.stdout)
  const whole = chunkRecordIds(sysmonBytes, 2).last
  assert.ok(tLines.length > whole - 1742 && tLines.length < full.length, `truncated: chunks 0-2 and part of 3 (${tLines.length})`)
  assert.deepEqual(tLines, full.slice(0, tLines.length), 'truncated: a prefix of the full conversion')
  const tp = problems(t.stderr)
  assert.ok(tp.count >= 1, `truncation reported\n${t.stderr}`)
  assert.ok(tp.listed.every((p) => new RegExp(`^${escape(join(tmp, 'truncated.evtx'))}@\\d+: `).test(p)))
  assert.ok(tp.listed.some((p) => Number(/@(\d+):/.exec(p)![1]) >= FILE_HEADER + 3 * CHUNK), `the truncated chunk is named\n${t.stderr}`)

  assert.equal(z.code, 0, z.stderr)
  assert.deepEqual(outputLines(z.stdout), full, 'EVTX out of gzip (spooled) reads like the file')

  assert.equal(strict.code, 2)
  assert.match(strict.stderr, new RegExp(`^vigil: ${escape(join(tmp, 'garbage-chunk.evtx'))}@\\d+: `, 'm'))
})

test('the third-party sample with a bad chunk magic: positioned problems, good records still output, query reads it', async () => {
  // first a file cut inside its header: nothing to decode, one problem
  const stub = join(tmp, 'header-only.evtx')
  writeFileSync(stub, readFileSync(SYSMON).subarray(0, 60))
  const [conv, query] = await Promise.all([
    vigil(['convert', stub, BAD_MAGIC]),
    vigil(['query', 'any where event.code == "4624"', BAD_MAGIC]),
  ])
  assert.equal(conv.code, 0, conv.stderr)
  const lines = outputLines(conv.stdout)
  assert.ok(lines.length > 0)
  const p = problems(conv.stderr)
  assert.equal(p.listed[0], `${stub}@0: file header needs 128 bytes, got 60`)
  p.listed.shift()
  assert.ok(p.listed.some((l) => l.startsWith(`${BAD_MAGIC}@397312: bad chunk signature`)), `the bad chunk is named by offset\n${conv.stderr}`)
  for (const l of p.listed) assert.match(l, new RegExp(`^${escape(BAD_MAGIC)}@\\d+: `))
  assert.match(conv.stderr, new RegExp(`^vigil: ${lines.length} events from 2 file\\(s\\)`, 'm'))
  // decodable chunks after the bad one are read: record ids beyond it appear
  const bytes = readFileSync(BAD_MAGIC)
  const after = chunkRecordIds(bytes, 7)
  assert.ok(lines.some((l) => recordId(l) >= after.first && recordId(l) <= after.last), 'records of the chunks after the bad one')

  assert.equal(query.code, 0, query.stderr)
  const logons = lines.filter((l) => (JSON.parse(l) as { event: { code: string } }).event.code === '4624')
  assert.deepEqual(outputLines(query.stdout).map((l) => recordId(l)).sort((a, b) => a - b), logons.map(recordId).sort((a, b) => a - b))
})
