import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { tryCompileCondition } from './compile.js'
import { compileDateFormat, dateValueMs, formatJavaDateTime } from './date.js'
import { parseExpression } from './parser.js'

const ms = (iso: string): number => Date.parse(iso)

describe('date parsing', () => {
  const parse = compileDateFormat()
  // [text, first ms, last ms (missing components rounded up the Elasticsearch way)]
  const cases: [string, number, number][] = [
    ['2017-08-30T20:47:33Z', ms('2017-08-30T20:47:33.000Z'), ms('2017-08-30T20:47:33.999Z')],
    ['2017-08-30T20:47:33.120Z', ms('2017-08-30T20:47:33.120Z'), ms('2017-08-30T20:47:33.120Z')],
    ['2017-08-30T20:47:33.1234567Z', ms('2017-08-30T20:47:33.123Z'), ms('2017-08-30T20:47:33.123Z')],
    ['2017-08-30T20:47', ms('2017-08-30T20:47:00.000Z'), ms('2017-08-30T20:47:59.999Z')],
    ['2017-08-30', ms('2017-08-30T00:00:00.000Z'), ms('2017-08-30T23:59:59.999Z')],
    ['2017-08', ms('2017-08-01T00:00:00.000Z'), ms('2017-08-01T23:59:59.999Z')], // DAY_OF_MONTH rounds to 01
    ['2017', ms('2017-01-01T00:00:00.000Z'), ms('2017-01-01T23:59:59.999Z')],
    ['2017-08-30T22:47:33+02:00', ms('2017-08-30T20:47:33.000Z'), ms('2017-08-30T20:47:33.999Z')],
    ['2017-08-30T18:47:33-0200', ms('2017-08-30T20:47:33.000Z'), ms('2017-08-30T20:47:33.999Z')],
    ['1516116808349', 1516116808349, 1516116808349], // epoch_millis
    ['-1000', -1000, -1000],
    ['0099-01-01T00:00:00.000Z', Date.parse('0099-01-01T00:00:00.000Z'), Date.parse('0099-01-01T00:00:00.000Z')], // not 1999
    ['2016-02-29', ms('2016-02-29T00:00:00.000Z'), ms('2016-02-29T23:59:59.999Z')],
  ]
  for (const [text, lo, hi] of cases) {
    it(text, () => assert.deepEqual(parse(text), { loMs: lo, hiMs: hi }))
  }

  it('rejects what is not a date', () => {
    for (const bad of ['2017-02-30T00:00:00.000Z', '2017-08-30T24:00:00.000Z', '2017-08-30T20:47:3x.000Z', '2017-13-01', '2017-02-30', '2015-02-29', '2017-08-30T24:00:00Z', 'yesterday', '', '2017-08-30 20:47:33'])
      assert.equal(parse(bad), null, bad)
  })

  it('custom Java patterns from mappings', () => {
    assert.equal(dateValueMs('17-12-2022', compileDateFormat('dd-MM-yyyy')), ms('2022-12-17T00:00:00.000Z'))
    assert.equal(dateValueMs('2022-12-17', compileDateFormat('yyyy-MM-dd')), ms('2022-12-17T00:00:00.000Z'))
    assert.equal(dateValueMs('2022-12-17', compileDateFormat('dd-MM-yyyy')), null)
    assert.equal(dateValueMs('1671235200', compileDateFormat('epoch_second')), 1671235200000)
    assert.equal(dateValueMs("2022-12-17T08'", compileDateFormat("yyyy-MM-dd'T'HH''")), ms('2022-12-17T08:00:00.000Z'))
  })

  it('renders dates like java.time', () => {
    assert.equal(formatJavaDateTime(ms('2017-08-30T20:47:33.120Z')), '2017-08-30T20:47:33.120Z')
    assert.equal(formatJavaDateTime(ms('2017-08-30T20:47:33.000Z')), '2017-08-30T20:47:33Z')
    assert.equal(formatJavaDateTime(ms('2017-08-30T20:47:00.000Z')), '2017-08-30T20:47Z')
  })

  it('numbers are epoch millis', () => {
    assert.equal(dateValueMs(1516116808349, parse), 1516116808349)
    assert.equal(dateValueMs(Number.NaN, parse), null)
  })
})

describe('dates outside the ECMAScript range', () => {
  // Found by the compiler property test: a numeric @timestamp of -8640000000000001 made
  // `@timestamp : ""` throw a RangeError from Date#toISOString instead of evaluating.
  it('are not dates: the value reads as null, and rendering never throws', () => {
    const parse = compileDateFormat()
    assert.equal(dateValueMs(-8640000000000001, parse), null)
    assert.equal(dateValueMs(8.64e15 + 1, parse), null)
    assert.equal(dateValueMs('8640000000000001', parse), null)
    assert.equal(dateValueMs(8.64e15, parse), 8.64e15)
    assert.equal(formatJavaDateTime(-8640000000000001), '-8640000000000001')
  })

  it('compare as missing in a compiled condition', () => {
    const p = parseExpression('@timestamp : ""')
    assert.ok(p.ok)
    const c = tryCompileCondition(p.ok ? p.value : assert.fail())
    assert.ok(c.ok)
    assert.equal(c.ok && c.value({ '@timestamp': -8640000000000001 }), false)
  })
})
