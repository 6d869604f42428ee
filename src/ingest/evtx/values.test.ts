import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EvtxError } from './errors.js'
import { decodeValue, filetime } from './values.js'

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex')

describe('decodeValue', () => {
  const cases: [string, number, string, unknown][] = [
    ['UTF-16 string, trailing NULs dropped', 0x01, '6100620000000000', 'ab'],
    ['ANSI string', 0x02, '616e736900', 'ansi'],
    ['int8', 0x03, 'ff', -1],
    ['uint64 exact', 0x0a, 'ffffffffffff1f00', 9007199254740991],
    ['uint64 beyond 2^53 → decimal text', 0x0a, '0000000000002000', '9007199254740992'],
    ['int64 negative', 0x09, 'feffffffffffffff', -2],
    ['float NaN → text', 0x0b, '0000c07f', 'NaN'],
    ['double -inf → text', 0x0c, '000000000000f0ff', '-Infinity'],
    ['bool 4 bytes', 0x0d, '01000000', true],
    ['bool irregular non-zero', 0x0d, '00010000', true],
    ['bool 1 byte', 0x0d, '00', false],
    ['binary upper-case hex', 0x0e, '0aff', '0AFF'],
    ['GUID', 0x0f, '5f387057 2ac2 e043 bf4c06f5698ffbd9', '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'],
    ['SizeT 32-bit', 0x10, '580e0000', '0xe58'],
    ['SizeT 64-bit', 0x10, '0000000001000000', '0x100000000'],
    ['FILETIME epoch', 0x11, '00803ed5deb19d01', '1970-01-01T00:00:00.000000Z'],
    ['SYSTEMTIME', 0x12, 'e407 0c00 0300 1f00 1700 3b00 3b00 e703', '2020-12-31T23:59:59.999000Z'],
    ['SID S-1-5-18', 0x13, '0101000000000005 12000000', 'S-1-5-18'],
    ['SID with 48-bit authority', 0x13, '0100 010000000000', 'S-1-0x10000000000'],
    ['HexInt32', 0x14, 'ff000000', '0xff'],
    ['HexInt64 high bits', 0x15, '0000000000000080', '0x8000000000000000'],
    ['EvtHandle', 0x20, '07000000', 7],
    ['string array', 0x81, '6100000062000000', ['a', 'b']],
    ['string array with empty items', 0x81, '0000610000000000', ['', 'a', '']],
    ['ANSI string array', 0x82, '610062 00', ['a\u0000b'.split('\u0000')[0], 'b']],
    ['int16 array', 0x85, 'ffff0100', [-1, 1]],
    ['GUID array', 0x8f, '5f387057 2ac2 e043 bf4c06f5698ffbd9'.repeat(2), ['{5770385F-C22A-43E0-BF4C-06F5698FFBD9}', '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}']],
    ['HexInt64 array', 0x95, '0100000000000000 ff00000000000000', ['0x1', '0xff']],
    ['SID array', 0x93, '0101000000000005 12000000 0101000000000005 13000000', ['S-1-5-18', 'S-1-5-19']],
    ['unknown type kept as hex', 0x42, '0102', '0102'],
  ]
  for (const [name, type, bytes, expected] of cases) {
    it(name, () => {
      const b = hex(bytes)
      assert.deepEqual(decodeValue(b, type, 0, b.length), expected)
    })
  }

  const bad: [string, number, string, RegExp][] = [
    ['int32 too short', 0x07, '0102', /has size 2, needs 4/],
    ['boolean of size 3', 0x0d, '010000', /boolean of size 3/],
    ['size_t of size 2', 0x10, '0100', /size_t of size 2/],
    ['SID overrunning its value', 0x13, '0105000000000005 12000000', /overruns its value/],
    ['array size not a multiple', 0x88, '010000000200', /not a multiple of 4/],
  ]
  for (const [name, type, bytes, message] of bad) {
    it(`rejects ${name} with a positioned error`, () => {
      const b = Buffer.concat([Buffer.alloc(3), hex(bytes)])
      assert.throws(() => decodeValue(b, type, 3, b.length), (e: unknown) => e instanceof EvtxError && message.test(e.message) && e.position >= 3)
    })
  }
})

describe('filetime', () => {
  it('truncates to microseconds and handles dates before 1970 and far ahead', () => {
    const at = (n: bigint): string => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return filetime(b, 0) }
    assert.equal(at(132000000000000009n), '2019-04-17T18:40:00.000000Z')
    assert.equal(at(132000000000009999n), '2019-04-17T18:40:00.000999Z')
    assert.equal(at(0n), '1601-01-01T00:00:00.000000Z')
    assert.equal(at(0x7fffffffffffffffn), '30828-09-14T02:48:05.477580Z')
  })
})
