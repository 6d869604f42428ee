// Synthetic chunks exercising every BinXml feature and value type with exact expected JSON: templates defined
// inline and reused by offset, optional/NULL substitutions, all scalar and array value types, template-less
// records with char/entity references, CDATA and PIs, nested BinXml (0x21) values, hostile element names.

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseChunk } from '../../src/ingest/evtx/index.js'
import type { RawRecord } from '../../src/ingest/types.js'
import { chunkBuilder, v, type BinXmlWriter } from './builder.js'

const NS = 'http://schemas.microsoft.com/win/2004/08/events/event'

const DATA_VALUES: [string, ReturnType<typeof v.str>, unknown][] = [
  ['Str', v.str('hello'), 'hello'],
  ['Ansi', v.ansi('ansi'), 'ansi'],
  ['Int8', v.i8(-5), -5],
  ['UInt8', v.u8(200), 200],
  ['Int16', v.i16(-300), -300],
  ['UInt16', v.u16(60000), 60000],
  ['Int32', v.i32(-70000), -70000],
  ['UInt32', v.u32(4000000000), 4000000000],
  ['Int64', v.i64(-5n), -5],
  ['UInt64Big', v.u64(18446744073709551615n), '18446744073709551615'],
  ['Real32', v.f32(1.5), 1.5],
  ['Real64', v.f64(-2.25), -2.25],
  ['BoolTrue', v.bool(1), true],
  ['BoolFalse', v.bool(0), false],
  ['BoolIrregular', v.bool(2), true],
  ['Binary', v.bin('deadbeef00'), 'DEADBEEF00'],
  ['Guid', v.guid('{94F748D5-4A45-5A42-0000-0010D265F20F}'), '{94F748D5-4A45-5A42-0000-0010D265F20F}'],
  ['SizeT64', v.sizeT(0xe58n, 8), '0xe58'],
  ['SizeT32', v.sizeT(0x10n, 4), '0x10'],
  ['FileTime', v.filetime('2019-03-08T23:35:58.452Z', 6209), '2019-03-08T23:35:58.452620Z'],
  ['SystemTime', v.systemtime(2020, 1, 2, 3, 4, 5, 6), '2020-01-02T03:04:05.006000Z'],
  ['Sid', v.sid('S-1-5-21-1-2-3-500'), 'S-1-5-21-1-2-3-500'],
  ['HexInt32', v.hex32(0x1f), '0x1f'],
  ['HexInt64', v.hex64(0x8020000000000000n), '0x8020000000000000'],
  ['StrArray', v.strArray(['a', 'b', '']), ['a', 'b', '']],
  ['UInt16Array', v.u16Array([1, 2, 3]), [1, 2, 3]],
  ['BoolArray', v.boolArray([1, 0]), [true, false]],
  ['Empty', v.str(''), null],
  ['EmptyArray', v.strArray([]), null],
  ['Null', v.null(), null],
]

/** Event > System (Provider, EventID@Qualifiers, TimeCreated, EventRecordID, Correlation, Security) + EventData. */
function eventTemplate(w: BinXmlWriter): void {
  w.open('Event', { attrs: true }); w.attr('xmlns', false); w.text(NS); w.closeStart()
  w.open('System'); w.closeStart()
  w.open('Provider', { attrs: true }); w.attr('Name', true); w.text('Test-Provider'); w.attr('Guid', false); w.subst(0, 0x0f); w.closeEmpty()
  w.open('EventID', { attrs: true }); w.attr('Qualifiers', false); w.subst(1, 0x06, true); w.closeStart(); w.subst(2, 0x06); w.end()
  w.open('TimeCreated', { attrs: true }); w.attr('SystemTime', false); w.subst(3, 0x11); w.closeEmpty()
  w.open('EventRecordID'); w.closeStart(); w.subst(4, 0x0a); w.end()
  w.open('Correlation', { attrs: true }); w.attr('ActivityID', false); w.subst(5, 0x0f, true); w.closeEmpty()
  w.open('Security', { attrs: true }); w.attr('UserID', false); w.subst(6, 0x13, true); w.closeEmpty()
  w.end()
  w.open('EventData'); w.closeStart()
  DATA_VALUES.forEach(([name, val], i) => {
    w.open('Data', { attrs: true }); w.attr('Name', false); w.text(name); w.closeStart(); w.subst(7 + i, val.type, true); w.end()
  })
  w.end()
  w.end()
}

function system(values: { qualifiers: ReturnType<typeof v.u16> | ReturnType<typeof v.null>; activity: ReturnType<typeof v.guid> | ReturnType<typeof v.null>; id: bigint }) {
  return [
    v.guid('{54849625-5478-4994-A5BA-3E3B0328C30D}'), values.qualifiers, v.u16(4688),
    v.filetime('2019-03-08T23:35:58.452Z', 6209), v.u64(values.id), values.activity, v.sid('S-1-5-18'),
  ]
}

function records(out: RawRecord[]): Record<string, unknown>[] {
  return out.map((r) => (r.kind === 'record' ? (r.raw as Record<string, unknown>) : { malformed: r.reason }))
}

describe('synthetic BinXml', () => {
  const b = chunkBuilder()
  let templateOffset = 0
  const offsets: number[] = []
  offsets.push(b.record(1, (w) => {
    w.fragmentHeader()
    templateOffset = w.instance(eventTemplate, [...system({ qualifiers: v.u16(16384), activity: v.null(), id: 1n }), ...DATA_VALUES.map((d) => d[1])])
    w.eof()
  }))
  offsets.push(b.record(2, (w) => {
    w.fragmentHeader()
    w.instance(templateOffset, [...system({ qualifiers: v.null(), activity: v.guid('{00000000-0000-0000-0000-000000000001}'), id: 2n }), ...DATA_VALUES.map((d) => d[1])])
    w.eof()
  }))
  offsets.push(b.record(3, (w) => {
    w.fragmentHeader()
    w.open('Event', { dependency: false }); w.closeStart()
    w.open('EventData', { dependency: false }); w.closeStart()
    w.open('Data', { attrs: true, dependency: false }); w.attr('Name', false); w.text('Text'); w.closeStart()
    w.text('a', true); w.charRef(0x3c); w.entityRef('amp'); w.entityRef('custom'); w.cdata('<x>'); w.end()
    w.open('Data', { dependency: false }); w.closeStart(); w.text('one'); w.end()
    w.open('Data', { dependency: false }); w.closeStart(); w.text('two'); w.end()
    w.open('Data', { dependency: false }); w.closeEmpty()
    w.pi('xml-stylesheet', 'href="a"')
    w.end()
    w.end()
    w.eof()
  }))
  offsets.push(b.record(4, (w) => {
    w.fragmentHeader()
    w.instance((t) => { t.open('Event'); t.closeStart(); t.open('UserData'); t.closeStart(); t.subst(0, 0x21); t.end(); t.end() }, [
      v.binxml((n) => {
        n.open('MyEvent', { attrs: true, dependency: false }); n.attr('xmlns', false); n.text('urn:x'); n.closeStart()
        n.open('Field', { dependency: false }); n.closeStart(); n.text('v'); n.end()
        n.end(); n.eof()
      }),
    ])
    w.eof()
  }))
  offsets.push(b.record(5, (w) => {
    w.fragmentHeader()
    w.instance((t) => { t.open('Event'); t.closeStart(); t.open('EventData'); t.closeStart(); t.subst(0, 0x21); t.end(); t.end() }, [
      v.binxml((n) => {
        n.fragmentHeader()
        n.instance((t) => { t.open('Data', { attrs: true }); t.attr('Name', false); t.text('Inner'); t.closeStart(); t.subst(0, 0x07); t.end() }, [v.i32(42)])
        n.eof()
      }),
    ])
    w.eof()
  }))
  offsets.push(b.record(6, (w) => {
    w.fragmentHeader()
    w.open('__proto__', { dependency: false }); w.closeStart()
    w.open('constructor', { dependency: false }); w.closeStart(); w.text('x'); w.end()
    w.end(); w.eof()
  }))
  offsets.push(b.record(7, (w) => {
    w.fragmentHeader()
    for (let i = 0; i < 100; i++) { w.open('Deep', { dependency: false }); w.closeStart() }
    for (let i = 0; i < 100; i++) w.end()
    w.eof()
  }))
  offsets.push(b.record(8, (w) => {
    // Each level's template references its nested-BinXml value 10 times: 10^6 elements if rendered naively.
    const bomb = (level: number): ReturnType<typeof v.str> => v.binxml((n) => {
      n.fragmentHeader()
      n.instance((t) => { t.open('B'); t.closeStart(); for (let i = 0; i < 10; i++) t.subst(0, 0x21); t.end() }, [level > 0 ? bomb(level - 1) : v.str('x')])
      n.eof()
    })
    w.fragmentHeader()
    w.instance((t) => { t.open('Event'); t.closeStart(); t.subst(0, 0x21); t.end() }, [bomb(6)])
    w.eof()
  }))
  const chunk = b.finish()
  const out = parseChunk(chunk, { file: 'synthetic.evtx', offset: 4096 })
  const raws = records(out)

  it('yields one entry per record, positioned at the record in the file', () => {
    assert.equal(out.length, 8)
    assert.deepEqual(out.map((r) => r.source.offset), offsets.map((o) => 4096 + o))
    assert.ok(out.every((r) => r.format === 'evtx' && r.source.file === 'synthetic.evtx'))
  })

  it('renders a template instance with every value type', () => {
    const expectedData = Object.fromEntries(DATA_VALUES.map(([n, , e]) => [n, e]))
    assert.deepEqual(raws[0], {
      Event: {
        '#attributes': { xmlns: NS },
        System: {
          Provider: { '#attributes': { Name: 'Test-Provider', Guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}' } },
          EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 4688 },
          TimeCreated: { '#attributes': { SystemTime: '2019-03-08T23:35:58.452620Z' } },
          EventRecordID: 1,
          Correlation: null,
          Security: { '#attributes': { UserID: 'S-1-5-18' } },
        },
        EventData: expectedData,
      },
    })
  })

  it('reuses the cached template by offset; NULL optional substitutions drop their attribute', () => {
    const sys = (raws[1] as { Event: { System: Record<string, unknown> } }).Event.System
    assert.equal(sys['EventID'], 4688)
    assert.equal(sys['EventRecordID'], 2)
    assert.deepEqual(sys['Correlation'], { '#attributes': { ActivityID: '{00000000-0000-0000-0000-000000000001}' } })
  })

  it('renders template-less records: char and entity refs, CDATA, repeated unnamed Data, empty element, PI dropped', () => {
    assert.deepEqual(raws[2], { Event: { EventData: { Text: 'a<&&custom;<x>', Data: ['one', 'two', null] } } })
  })

  it('renders nested BinXml values: plain elements (no dependency ids) and template instances', () => {
    assert.deepEqual(raws[3], { Event: { UserData: { MyEvent: { '#attributes': { xmlns: 'urn:x' }, Field: 'v' } } } })
    assert.deepEqual(raws[4], { Event: { EventData: { Inner: 42 } } })
  })

  it('keeps __proto__ and constructor as plain own keys', () => {
    const r = raws[5]!
    assert.equal(Object.getPrototypeOf(r), Object.prototype)
    assert.ok(Object.hasOwn(r, '__proto__'))
    assert.deepEqual(Object.getOwnPropertyDescriptor(r, '__proto__')?.value, { constructor: 'x' })
    assert.equal(({} as Record<string, unknown>)['constructor'], Object)
  })

  it('stops runaway nesting with a positioned malformed record', () => {
    const r = out[6]!
    assert.equal(r.kind, 'malformed')
    assert.match(r.kind === 'malformed' ? r.reason : '', /^record 7: elements nested deeper than 64 at file offset \d+/)
    assert.equal(r.source.offset, 4096 + offsets[6]!)
  })

  it('stops exponential expansion of nested BinXml values', () => {
    assert.deepEqual(out[7], { kind: 'malformed', reason: 'record 8: record expands to more than 100000 elements', source: { file: 'synthetic.evtx', offset: 4096 + offsets[7]! }, format: 'evtx' })
  })

  it('reports no checksum problems on a well-formed chunk', () => {
    assert.equal(out.filter((r) => r.kind === 'malformed').length, 2)
  })
})
