// Fuzz: thousands of deterministically mutated chunks (bit flips, byte overwrites, truncation, length-field
// corruption aimed at record sizes, substitution descriptors, name and template offsets). parseChunk must
// return — never throw, never hang — and every problem must be a positioned malformed record inside the chunk,
// never an internal error. Every decoded record must serialise to JSON.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parseChunk } from '../../src/ingest/evtx/index.js'
import { chunkBuilder, v, type SubstValue } from './builder.js'
import { prng } from '../prng.js'

const DIR = join(import.meta.dirname, '..', 'fixtures', 'third_party', 'omerbenamram-evtx')
const SEEDS: [string, number][] = [
  ['sysmon.evtx', 0], ['Security_with_size_t.evtx', 3], ['system.evtx', 1],
  ['E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx', 0], ['MSExchange_Management_wec.evtx', 0],
  ['sample-with-irregular-bool-values.evtx', 5],
]
const ITERATIONS = Number(process.env['VIGIL_EVTX_FUZZ'] ?? 3000)


const INTERESTING = [0, 1, 2, 3, 4, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0x1000, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff]

function recordStarts(chunk: Buffer): number[] {
  const out: number[] = []
  for (let p = 512; p + 8 <= chunk.length; p += 8) if (chunk.readUInt32LE(p) === 0x2a2a) out.push(p)
  return out
}

function mutate(base: Buffer, rnd: () => number): Buffer {
  const c = Buffer.from(base)
  const int = (n: number): number => Math.floor(rnd() * n)
  const starts = recordStarts(c)
  const rounds = 1 + int(6)
  let out = c
  for (let r = 0; r < rounds; r++) {
    const kind = int(7)
    if (out.length < 520) break
    const recordAt = Math.min(out.length - 8, starts.length > 0 ? starts[int(starts.length)]! : 512)
    const nearRecord = Math.min(out.length - 4, recordAt + int(400))
    switch (kind) {
      case 0: { const p = 512 + int(out.length - 512); out[p]! ^= 1 << int(8); break } // bit flip in the data
      case 1: { const p = nearRecord; for (let i = 0; i < 1 + int(8); i++) if (p + i < out.length) out[p + i] = int(256); break }
      case 2: out.writeUInt32LE(INTERESTING[int(INTERESTING.length)]!, recordAt + 4); break // record size
      case 3: { const p = nearRecord & ~1; out.writeUInt16LE(INTERESTING[int(INTERESTING.length)]! & 0xffff, p); break } // u16 (counts, descriptor sizes)
      case 4: { const p = nearRecord; out.writeUInt32LE(INTERESTING[int(INTERESTING.length)]!, p); break } // u32 (name/template offsets, sizes)
      case 5: out = out.subarray(0, 512 + int(out.length - 512)); break // truncation
      default: out.writeUInt32LE(INTERESTING[int(INTERESTING.length)]!, 48); break // free space offset
    }
  }
  return out
}

/** A synthetic seed with every value type, arrays, nested BinXml, refs, CDATA and PIs (rarer in real logs). */
function richChunk(): Buffer {
  const values: SubstValue[] = [
    v.str('s'), v.ansi('a'), v.i8(-1), v.u8(1), v.i16(-2), v.u16(2), v.i32(-3), v.u32(3), v.i64(-4n), v.u64(4n),
    v.f32(1.5), v.f64(2.5), v.bool(1), v.bin('00ff'), v.guid('{00000000-0000-0000-0000-000000000001}'),
    v.sizeT(5n, 8), v.filetime('2020-01-01T00:00:00Z'), v.systemtime(2020, 1, 1, 0, 0, 0, 0), v.sid('S-1-5-18'),
    v.hex32(6), v.hex64(7n), v.strArray(['x', 'y']), v.u16Array([1, 2]), v.boolArray([0, 1]),
    v.binxml((n) => { n.open('Inner', { attrs: true, dependency: false }); n.attr('A', false); n.text('1'); n.closeStart(); n.cdata('c'); n.end(); n.eof() }),
  ]
  const b = chunkBuilder()
  let tpl = -1
  for (let r = 1; r <= 40; r++) {
    b.record(r, (w) => {
      w.fragmentHeader()
      const body = (t: typeof w): void => {
        t.open('Event'); t.closeStart(); t.open('EventData'); t.closeStart()
        values.forEach((val, i) => { t.open('Data', { attrs: true }); t.attr('Name', false); t.text(`V${i}`); t.closeStart(); t.subst(i, val.type, i % 2 === 0); t.end() })
        t.open('Misc'); t.closeStart(); t.charRef(0x41); t.entityRef('amp'); t.pi('p', 'd'); t.end()
        t.end(); t.end()
      }
      tpl = w.instance(tpl < 0 ? body : tpl, values)
      w.eof()
    })
  }
  return b.finish()
}

describe('EVTX chunk fuzz', () => {
  const seeds = [...SEEDS.map(([f, i]) => readFileSync(join(DIR, f)).subarray(4096 + i * 65536, 4096 + (i + 1) * 65536)), richChunk()]
  it('the synthetic seed decodes cleanly before mutation', () => {
    const out = parseChunk(seeds[seeds.length - 1]!, { file: 'rich.evtx', offset: 0 })
    assert.equal(out.length, 40)
    assert.ok(out.every((r) => r.kind === 'record'))
  })

  it(`${ITERATIONS} mutated chunks decode or yield positioned malformed records`, () => {
    const rnd = prng(0x5eed)
    let records = 0
    let problems = 0
    for (let i = 0; i < ITERATIONS; i++) {
      const base = seeds[i % seeds.length]!
      const chunk = mutate(base, rnd)
      const offset = 4096 + 65536 * i
      const out = parseChunk(chunk, { file: 'fuzz.evtx', offset, checksums: i % 2 === 0 })
      for (const r of out) {
        const at = r.source.offset
        assert.ok(at !== undefined && at >= offset && at < offset + 65536, `iteration ${i}: offset ${at} outside the chunk`)
        if (r.kind === 'malformed') {
          problems++
          assert.doesNotMatch(r.reason, /^record \d+: internal error/, `iteration ${i}: ${r.reason}`)
        } else {
          records++
          JSON.stringify(r.raw)
        }
      }
    }
    // The mutations must actually bite, and most records must survive them.
    assert.ok(problems > ITERATIONS / 4, `only ${problems} problems found`)
    assert.ok(records > ITERATIONS * 10, `only ${records} records decoded`)
  })

  it('random bytes behind a valid chunk signature', () => {
    const rnd = prng(42)
    for (let i = 0; i < 300; i++) {
      const c = Buffer.alloc(65536)
      for (let p = 0; p < c.length; p++) c[p] = (rnd() * 256) | 0
      c.write('ElfChnk\0', 0, 'latin1')
      c.writeUInt32LE(65536, 48)
      // Random bytes dotted with record signatures so the record walker has something to chew on.
      for (let k = 0; k < 20; k++) c.writeUInt32LE(0x2a2a, 512 + 8 * ((rnd() * 8000) | 0))
      const out = parseChunk(c, { file: 'random.evtx', offset: 0 })
      assert.ok(out.every((r) => r.kind === 'record' || !/internal error/.test(r.reason)))
    }
  })
})
