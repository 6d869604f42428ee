import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from '../eql/index.js'
import { gramOf, parseIpv4, parseIpv4Cidr, routeStages, type Probe } from './route.js'

// [query, expected routing of each stage: category / key field / folded values]
const CASES: readonly (readonly [string, readonly string[]])[] = [
  ['process where process.name : "CMD.exe"', ['process process.name=cmd.exe']],
  ['process where process.name : ("cmd.exe", "pwsh.exe") and host.os.type == "windows"', ['process process.name=cmd.exe|pwsh.exe']],
  ['process where process.name : "cmd*.exe"', ['process process.name~cmd']],
  ['process where process.name : "c*.e"', ['process -']],
  ['process where process.name like~ "cmd.exe"', ['process process.name=cmd.exe']],
  ['process where process.name regex "cmd.exe"', ['process -']],
  ['process where "cmd.exe" == process.name', ['process process.name=cmd.exe']],
  ['process where process.name in ("a.exe", "b.exe")', ['process process.name=a.exe|b.exe']],
  ['process where process.name not in ("a.exe")', ['process -']],
  ['process where not process.name : "a.exe"', ['process -']],
  ['process where process.name : "a.exe" or process.name : "b.exe"', ['process process.name=a.exe process.name=b.exe']],
  ['process where process.name : "a.exe" or process.args_count > 3', ['process -']],
  ['process where host.os.type == "windows" and (process.name : "a.exe" or ?process.pe.original_file_name == "A.EXE")',
    ['process process.name=a.exe process.pe.original_file_name=a.exe']],
  ['process where process.executable : ("?:\\\\Windows\\\\Temp\\\\*") and process.args : ("-enc", "http*")',
    ['process process.args=-enc process.args~ttp']],
  ['process where process.command_line : "*sekurlsa*" and process.parent.name : ("a.exe", "b.exe", "c.exe")', ['process process.command_line~lsa']],
  ['process where source.ip == "10.0.0.1"', ['process -']],
  ['process where process.name : ("cmd.exe", "certutil.exe") and process.args : "-urlcache"', ['process process.args=-urlcache']],
  ['process where process.name : ("certutil.exe") and process.args : "-urlcache"', ['process process.name=certutil.exe']],
  ['process where my.custom.field == "x"', ['process -']],
  ['process where (process.name : "a.exe" and event.type == "start") and true', ['process process.name=a.exe']],
  ['process where host.os.type == "linux" and event.action == "exec"', ['process event.action=exec']],
  ['process where host.os.type == "linux" and event.type == "start"', ['process host.os.type=linux']],
  ['process where host.os.type == "linux"', ['process host.os.type=linux']],
  ['process where event.code == 4688', ['process -']],
  ['any where true', ['any -']],
  ['sequence by host.id [network where destination.port == 5985] [process where process.parent.name : "winrshost.exe"] until [process where event.action == "end"]',
    ['network destination.port#5985', 'process process.parent.name=winrshost.exe', 'process event.action=end']],
  ['network where destination.port in (445, 3389) and network.direction : "ingress"', ['network destination.port#445|3389']],
  ['network where destination.port == 445.0', ['network -']],
  ['network where network.direction : "egress" and not cidrmatch(destination.ip, "10.0.0.0/8", "192.168.0.0/16")',
    ['network destination.ip!10.0.0.0/8|192.168.0.0/16']],
  ['network where not cidrmatch(destination.ip, "10.0.0.0/8", "fe80::/10")', ['network -']],
  ['network where not cidrmatch(destination.ip, "010.0.0.0/8")', ['network -']],
  ['network where cidrmatch(destination.ip, "10.0.0.0/8")', ['network -']],
  ['network where destination.port == "445"', ['network -']],
  ['network where network.direction : "ingress" and host.os.type == "windows"', ['network network.direction=ingress']],
  ['sample by host.id [file where file.extension : "exe"] [process where true]', ['file file.extension=exe', 'process -']],
]

for (const [query, expected] of CASES) {
  test(`route: ${query}`, () => {
    const parsed = parse(query)
    assert.ok(parsed.ok, JSON.stringify(parsed))
    const probe = (p: Probe): string =>
      p.kind === 'gram' ? `${p.field}~${p.grams.join('|')}` : p.kind === 'outside' ? `${p.field}!${p.cidrs.join('|')}`
        : `${p.field}${p.kind === 'number' ? '#' : '='}${p.values.join('|')}`
    const got = routeStages(parsed.value, 'event.category').map((s) =>
      `${s.category ?? 'any'} ${s.probes ? s.probes.map(probe).join(' ') : '-'}`)
    assert.deepEqual(got, expected)
  })
}

test('gramOf: a fixed piece every match contains, preferring letters over separators and rare over common', () => {
  const cases: readonly (readonly [string, string | null])[] = [
    ['*-nop*', 'nop'],
    ['?:\\Windows\\Temp\\*', 'emp'],
    ['*ab*', null],
    ['a?b?c*d', null],
    ['HTTP*', 'ttp'],
  ]
  for (const [pattern, want] of cases) assert.equal(gramOf(pattern), want, pattern)
})

test('parseIpv4Cidr / parseIpv4: canonical IPv4 only', () => {
  assert.deepEqual(parseIpv4Cidr('10.0.0.0/8'), { network: 0x0a000000, mask: 0xff000000 })
  assert.deepEqual(parseIpv4Cidr('192.168.1.7/16'), { network: 0xc0a80000, mask: 0xffff0000 })
  assert.deepEqual(parseIpv4Cidr('0.0.0.0/0'), { network: 0, mask: 0 })
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '010.0.0.0/8', '10.0.0/8', '::1/128', ' 10.0.0.0/8']) assert.equal(parseIpv4Cidr(bad), null, bad)
  assert.equal(parseIpv4('255.255.255.255'), 0xffffffff)
  for (const bad of ['256.0.0.1', '1.2.3', '01.2.3.4', '1.2.3.4 ', '::ffff:1.2.3.4']) assert.equal(parseIpv4(bad), null, bad)
})
