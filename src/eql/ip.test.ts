import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { canonicalIp, cidrContains, compareIp, parseCidr, parseIp } from './ip.js'

describe('ip', () => {
  const canonical: [string, string | null][] = [
    ['0:0:0:0:0:0:0:1', '::1'],
    ['::1', '::1'],
    ['::ffff:10.1.2.3', '10.1.2.3'], // IPv4-mapped is the IPv4 address
    ['10.1.2.3', '10.1.2.3'],
    [' 10.1.2.3 ', '10.1.2.3'],
    ['FE80:0:0:0:0:0:0:1', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['010.1.1.1', null], // leading zeros are not an IPv4 address
    ['10.1.1', null],
    ['10.1.1.', null],
    ['.10.1.1', null],
    ['10.1.1.1.1', null],
    ['255.255.255.255', '255.255.255.255'],
    ['0.0.0.0', '0.0.0.0'],
    ['1.2.3.04', null],
    ['256.1.1.1', null],
    ['fe80::1%eth0', null],
    ['not an ip', null],
    ['', null],
  ]
  for (const [text, expected] of canonical) {
    it(`canonicalIp(${JSON.stringify(text)}) = ${expected}`, () => assert.equal(canonicalIp(text), expected))
  }

  // [cidr, ip, contained]
  const cidrs: [string, string, boolean][] = [
    ['10.6.48.157/8', '10.0.0.1', true], // host bits set in the block are ignored
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.168.0.0/16', '192.168.152.12', true],
    ['10.128.0.0/9', '10.1.2.3', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['0.0.0.0/0', '::1', false],
    ['::/0', '8.8.8.8', true], // IPv4 lives inside ::ffff:0:0/96
    ['::ffff:0:0/96', '1.2.3.4', true],
    ['10.0.0.0/8', '::ffff:10.9.9.9', true],
    ['fe80::/10', 'fe80::1', true],
    ['fe80::/10', 'fec0::1', false],
    ['::1', '0:0:0:0:0:0:0:1', true], // a bare address is a /128
    ['10.0.0.1', '10.0.0.1', true],
    ['10.0.0.1', '10.0.0.2', false],
    ['10.0.0.0/7', '11.255.0.1', true],
  ]
  for (const [cidr, ip, expected] of cidrs) {
    it(`${ip} in ${cidr} → ${expected}`, () => {
      const c = parseCidr(cidr)
      const b = parseIp(ip)
      assert.ok(c && b)
      assert.equal(cidrContains(c, b), expected)
    })
  }

  it('rejects malformed blocks', () => {
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/x', 'foo/8', '10.0.0.0/']) assert.equal(parseCidr(bad), null, bad)
  })

  it('orders addresses as 16-byte values (IPv4 after ::1, before fe80::)', () => {
    const sorted = ['fe80::1', '10.0.0.2', '::1', '10.0.0.10', '9.255.255.255'].map((s) => parseIp(s) as Uint8Array).sort(compareIp)
    assert.deepEqual(sorted.map((b) => canonicalIp(String(b.length === 16 ? ipText(b) : ''))), ['::1', '9.255.255.255', '10.0.0.2', '10.0.0.10', 'fe80::1'])
  })
})

function ipText(b: Uint8Array): string {
  const parts: string[] = []
  for (let i = 0; i < 16; i += 2) parts.push((((b[i] as number) << 8) | (b[i + 1] as number)).toString(16))
  return parts.join(':')
}

describe('ip fast path', () => it('the dotted-IPv4 fast path gives the bytes ipaddr.js gives', async () => {
  const fc = (await import('fast-check')).default
  const ipaddr = (await import('ipaddr.js')).default
  fc.assert(fc.property(fc.ipV4(), (ip) => {
    const expected = new Uint8Array(16)
    expected[10] = 0xff
    expected[11] = 0xff
    expected.set(ipaddr.IPv4.parse(ip).octets, 12)
    assert.deepEqual(parseIp(ip), expected)
    assert.deepEqual(parseIp(` ${ip}\t`), expected)
  }), { numRuns: 2000 })
  for (const bad of ['256.0.0.1', '1.2.3', '1.2.3.4.5', '1..2.3', '1.2.3.', '']) assert.equal(parseIp(bad), null, bad)
}))
