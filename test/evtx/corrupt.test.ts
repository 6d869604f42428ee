// Dirty and corrupt files: every problem is a positioned 'malformed' record, decoding continues where it can,
// the header's chunk count is never trusted, and nothing throws.

import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { isEvtx, parseFileHeader, readEvtx, readEvtxBatches } from '../../src/ingest/evtx/index.js'
import type { RawRecord } from '../../src/ingest/types.js'
import { chunkBuilder, fileHeader, v } from './builder.js'

const DIR = join(import.meta.dirname, '..', 'fixtures', 'third_party', 'omerbenamram-evtx')
const tmp = mkdtempSync(join(tmpdir(), 'vigil-evtx-'))
after(() => rmSync(tmp, { recursive: true, force: true }))

async function all(path: string, workers = 0): Promise<RawRecord[]> {
  const out: RawRecord[] = []
  for await (const r of readEvtx(path, { workers })) out.push(r)
  return out
}

const malformed = (rs: RawRecord[]): { reason: string; offset: number | undefined }[] =>
  rs.flatMap((r) => (r.kind === 'malformed' ? [{ reason: r.reason, offset: r.source.offset }] : []))
const recordCount = (rs: RawRecord[]): number => rs.filter((r) => r.kind === 'record').length

function write(name: string, bytes: Buffer): string {
  const p = join(tmp, name)
  writeFileSync(p, bytes)
  return p
}

/** A chunk with `n` small template records (ids from `firstId`). */
function smallChunk(firstId: number, n: number): Buffer {
  const b = chunkBuilder()
  let tpl = -1
  for (let i = 0; i < n; i++) {
    b.record(firstId + i, (w) => {
      w.fragmentHeader()
      const body = (t: typeof w): void => {
        t.open('Event'); t.closeStart(); t.open('System'); t.closeStart()
        t.open('EventRecordID'); t.closeStart(); t.subst(0, 0x0a); t.end(); t.end(); t.end()
      }
      const off = w.instance(tpl < 0 ? body : tpl, [v.u64(BigInt(firstId + i))])
      tpl = off
      w.eof()
    })
  }
  return b.finish()
}

describe('isEvtx / parseFileHeader', () => {
  it('recognises the signature', () => {
    assert.equal(isEvtx(Buffer.from('ElfFile\0')), true)
    assert.equal(isEvtx(Buffer.from('ElfFilX\0')), false)
    assert.equal(isEvtx(Buffer.from('Elf')), false)
  })
  it('parses a real header and checks its CRC', () => {
    const h = parseFileHeader(readFileSync(join(DIR, 'sysmon.evtx')).subarray(0, 4096))
    assert.ok(h.ok)
    if (h.ok) {
      assert.equal(h.header.majorVersion, 3)
      assert.equal(h.header.chunkCount, 1) // the header lies: the file holds 9 chunks of records
      assert.equal(h.header.checksumOk, true)
    }
    assert.deepEqual(parseFileHeader(Buffer.alloc(10)), { ok: false, reason: 'file header needs 128 bytes, got 10' })
  })
})

describe('dirty and corrupt EVTX files', () => {
  it('reads past a header that under-reports its chunk count', async () => {
    const rs = await all(join(DIR, 'sysmon.evtx'))
    assert.equal(recordCount(rs), 358)
    // Slack after the last written chunk is reported as garbage, chunk by chunk, with offsets.
    const bad = malformed(rs)
    assert.ok(bad.length > 0 && bad.every((m) => m.reason.startsWith('bad chunk signature') && (m.offset! - 4096) % 65536 === 0))
  })

  it('reports zeroed checksums and still decodes every record', async () => {
    const rs = await all(join(DIR, 'Application_no_crc32.evtx'))
    assert.equal(recordCount(rs), 17)
    assert.deepEqual(malformed(rs).map((m) => [m.offset, m.reason.slice(0, 28)]), [
      [124, 'file header CRC32 mismatch ('],
      [4096 + 124, 'chunk header CRC32 mismatch '],
      [4096 + 52, 'chunk records CRC32 mismatch'],
    ])
  })

  it('skips a chunk with a bad signature and decodes the rest', async () => {
    const rs = await all(join(DIR, 'sample_with_a_bad_chunk_magic.evtx'))
    // evtxexport: 267; python-evtx: 270 (+ the 3 records whose size copy mismatches); we also resume after
    // the half-written record 47640 and recover 47675–47705, which both oracles drop.
    assert.equal(recordCount(rs), 301)
    assert.ok(malformed(rs).some((m) => m.offset === 659456 && m.reason.startsWith('bad chunk signature')))
  })

  it('survives truncation mid-chunk: earlier records intact, a positioned truncation report', async () => {
    const full = readFileSync(join(DIR, 'system.evtx'))
    const cut = 4096 + 65536 * 2 + 30000
    const rs = await all(write('truncated.evtx', full.subarray(0, cut)))
    const whole = await all(join(DIR, 'system.evtx'))
    const firstTwo = whole.filter((r) => r.kind === 'record' && r.source.offset! < 4096 + 65536 * 2).length
    assert.ok(recordCount(rs) > firstTwo, 'records of the partial third chunk are decoded too')
    assert.ok(malformed(rs).some((m) => m.offset === 4096 + 65536 * 2 && m.reason.startsWith('truncated chunk: 30000 of 65536')))
    assert.ok(malformed(rs).every((m) => m.offset !== undefined && m.offset >= 4096 + 65536 * 2 && m.offset < cut))
  })

  it('survives truncation inside the file header and empty files', async () => {
    const full = readFileSync(join(DIR, 'system.evtx'))
    assert.deepEqual(malformed(await all(write('head.evtx', full.subarray(0, 100)))), [{ reason: 'file header needs 128 bytes, got 100', offset: 0 }])
    assert.deepEqual(malformed(await all(write('empty.evtx', Buffer.alloc(0)))), [{ reason: 'file header needs 128 bytes, got 0', offset: 0 }])
    const headerOnly = await all(write('header-only.evtx', full.subarray(0, 4096)))
    assert.deepEqual(headerOnly, [])
  })

  it('reports a non-EVTX file and a missing file as one malformed record each', async () => {
    const rs = await all(write('text.evtx', Buffer.from('<Event xmlns="…"></Event>'.padEnd(200, ' '))))
    assert.deepEqual(malformed(rs), [{ reason: 'not an EVTX file (missing "ElfFile" signature)', offset: 0 }])
    const missing = await all(join(tmp, 'does-not-exist.evtx'))
    assert.equal(missing.length, 1)
    assert.match(missing[0]!.kind === 'malformed' ? missing[0]!.reason : '', /^cannot open: ENOENT/)
  })

  it('reports a garbage chunk between good ones and keeps going', async () => {
    const garbage = Buffer.alloc(65536, 0x5a)
    const file = Buffer.concat([fileHeader(1), smallChunk(1, 3), garbage, smallChunk(4, 2)])
    const rs = await all(write('garbage.evtx', file))
    assert.deepEqual(rs.filter((r) => r.kind === 'record').map((r) => (r.raw as { Event: { System: { EventRecordID: number } } }).Event.System.EventRecordID), [1, 2, 3, 4, 5])
    assert.deepEqual(malformed(rs), [{ reason: 'bad chunk signature (expected "ElfChnk"); chunk skipped', offset: 4096 + 65536 }])
  })

  it('skips zero-filled (pre-allocated) chunks silently', async () => {
    const file = Buffer.concat([fileHeader(1), smallChunk(1, 2), Buffer.alloc(65536)])
    const rs = await all(write('zeros.evtx', file))
    assert.equal(recordCount(rs), 2)
    assert.deepEqual(malformed(rs), [])
  })

  it('reports a corrupted record (bad size, bad signature) and resynchronises on the next record', async () => {
    const chunk = smallChunk(1, 4)
    // Second record: break its signature; third: keep. Records are 8-byte aligned, find them by signature.
    const sigs: number[] = []
    for (let p = 512; p < 65536 - 4; p += 8) if (chunk.readUInt32LE(p) === 0x2a2a) sigs.push(p)
    chunk.writeUInt32LE(0xdeadbeef, sigs[1]!)
    chunk.writeUInt32LE(0x7fffffff, sigs[3]! + 4) // absurd size in the last record
    const rs = await all(write('bad-record.evtx', Buffer.concat([fileHeader(1), chunk])))
    assert.deepEqual(rs.filter((r) => r.kind === 'record').map((r) => r.source.offset), [4096 + sigs[0]!, 4096 + sigs[2]!])
    const bad = malformed(rs)
    assert.ok(bad.some((m) => m.offset === 4096 + 52 && m.reason.startsWith('chunk records CRC32 mismatch')))
    assert.ok(bad.some((m) => m.offset === 4096 + sigs[1]! && m.reason.startsWith('bad record signature 0xdeadbeef')))
    assert.ok(bad.some((m) => m.offset === 4096 + sigs[3]! && m.reason.startsWith('bad record size 2147483647')))
  })

  it('recovers records after a zeroed block and after a record whose size cannot be trusted', async () => {
    const ids = (rs: RawRecord[]): number[] => rs.flatMap((r) => (r.kind === 'record' ? [(r.raw as { Event: { System: { EventRecordID: number } } }).Event.System.EventRecordID] : []))
    const zeroed = smallChunk(1, 5)
    const sigs: number[] = []
    for (let p = 512; p < 65536 - 4; p += 8) if (zeroed.readUInt32LE(p) === 0x2a2a) sigs.push(p)
    zeroed.fill(0, sigs[1]!, sigs[3]!) // records 2 and 3 wiped
    const a = await all(write('zeroed.evtx', Buffer.concat([fileHeader(1), zeroed])))
    assert.deepEqual(ids(a), [1, 4, 5])
    assert.ok(malformed(a).some((m) => m.offset === 4096 + sigs[1]! && m.reason === `${sigs[3]! - sigs[1]!} zero bytes inside the records; resuming at the next record`))

    const oversized = smallChunk(1, 5)
    oversized.writeUInt32LE(sigs[4]! - sigs[1]! + 8, sigs[1]! + 4) // record 2 claims to run into record 5
    const b = await all(write('oversized.evtx', Buffer.concat([fileHeader(1), oversized])))
    assert.deepEqual(ids(b), [1, 2, 3, 4, 5])
    assert.ok(malformed(b).some((m) => m.offset === 4096 + sigs[1]! && m.reason.startsWith('record 2: size copy mismatch')))
  })

  it('decodes the same records with worker threads, in file order', async () => {
    for (const f of ['system.evtx', 'sample_with_a_bad_chunk_magic.evtx']) {
      const one = await all(join(DIR, f))
      const par = await all(join(DIR, f), 2)
      assert.deepEqual(par, one, f)
    }
  })

  it('batches per chunk and reports the given display name', async () => {
    const batches: RawRecord[][] = []
    for await (const b of readEvtxBatches(join(DIR, 'sample_with_a_bad_chunk_magic.evtx'), { name: 'evidence/a.evtx' })) batches.push(b)
    assert.equal(batches.length, 16)
    assert.deepEqual(batches.flat(), (await all(join(DIR, 'sample_with_a_bad_chunk_magic.evtx'))).map((r) => ({ ...r, source: { ...r.source, file: 'evidence/a.evtx' } })))
  })

  it('stops early when aborted', async () => {
    const ac = new AbortController()
    let n = 0
    for await (const r of readEvtx(join(DIR, 'system.evtx'), { signal: ac.signal })) {
      if (r.kind === 'record' && ++n === 5) ac.abort()
    }
    assert.ok(n < 1881)
  })
})
