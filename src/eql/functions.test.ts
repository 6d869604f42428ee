// The 16 Elasticsearch EQL functions, table-driven, with the examples of the ES function reference
// and the divergences from Endgame called out (divide truncation, Java modulo, number() trimming,
// between not-found "", indexOf start rules, stringContains with "").
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseExpression } from './parser.js'
import { tryCompileExpr } from './compile.js'
import type { EcsEvent, Value } from './value.js'

const event: EcsEvent = {
  process: { name: 'regsvr32.exe', args: ['a.exe', '/node:X', 'Call'], args_count: 4, pid: 1337, 'parent.name': 'cmd.exe' },
  file: { path: 'C:\\Windows\\System32\\cmd.exe', name: 'regsvr32.exe', extension: '.exe' },
  url: { domain: 'subdomain.example.com' },
  source: { ip: '192.168.152.12' },
  destination: { ip: '0:0:0:0:0:0:0:1' },
  related: { ip: ['10.0.0.1', '192.168.1.1'] },
  n: { f: 2.5, i: 4, s: '1337' },
}

function run(text: string): Value {
  const p = parseExpression(text)
  assert.ok(p.ok, `parse: ${JSON.stringify(!p.ok && p.errors)}`)
  const c = tryCompileExpr(p.value)
  assert.ok(c.ok, `compile: ${JSON.stringify(!c.ok && c.errors)}`)
  return c.value(event)
}

// [expression, expected]
const cases: [string, Value][] = [
  // add / subtract / multiply
  ['add(4, 5)', 9], ['add(4, 0.5)', 4.5], ['add(-2, -2)', -4], ['add(null, 4)', null], ['add(4, null)', null],
  ['add(process.args_count, 5)', 9], ['subtract(10, 2)', 8], ['subtract(1, 0.2)', 0.8], ['subtract(-2, -4)', 2],
  ['subtract(process.args_count, 0.5)', 3.5], ['multiply(0.25, 2)', 0.5], ['multiply(-2, -2)', 4], ['multiply(2, null)', null],
  // divide: two integers truncate toward zero (Java), a float makes it a true division
  ['divide(4, 2)', 2], ['divide(4, 3)', 1], ['divide(4, 3.0)', 4 / 3], ['divide(0.5, 4)', 0.125], ['divide(4, -2)', -2],
  ['divide(-7, 2)', -3], ['divide(7, -2)', -3], ['divide(process.args_count, 3)', 1], ['divide(12, process.args_count)', 3],
  ['divide(process.args_count, 0.5)', 8], ['divide(4, 0)', null], ['divide(null, 4)', null], ['-7 / 2', -3], ['66.0 / 66', 1],
  // modulo: Java remainder, sign of the dividend
  ['modulo(10, 6)', 4], ['modulo(10, 5)', 0], ['modulo(10, 0.5)', 0], ['modulo(10, -6)', 4], ['modulo(-10, -6)', -4],
  ['modulo(-10, 6)', -4], ['modulo(7, 0)', null], ['modulo(null, 5)', null], ['11 % 10', 1],
  // between
  ['between(file.path, "System32\\\\", ".exe")', 'cmd'], ['between(file.path, "system32\\\\", ".exe")', ''],
  ['between(file.path, "workspace\\\\", ".exe")', ''], ['between~(file.path, "system32\\\\", ".exe")', 'cmd'],
  ['between(file.path, "\\\\", "\\\\", false)', 'Windows'], ['between(file.path, "\\\\", "\\\\", true)', 'Windows\\System32'],
  ['between("", "System32\\\\", ".exe")', ''], ['between("", "", "")', ''], ['between(null, "a", "b")', null],
  ['between("System Idle Process", "S", "e", true)', 'ystem Idle Proc'], ['between~("System Idle Process", "s", "E")', 'yst'],
  // cidrMatch
  ['cidrMatch(source.ip, "192.168.0.0/16")', true], ['cidrMatch(source.ip, "192.168.0.0/16", "10.0.0.0/8")', true],
  ['cidrMatch(source.ip, "10.0.0.0/8")', false], ['cidrMatch(source.ip, "10.0.0.0/8", "10.128.0.0/9")', false],
  ['cidrMatch(null, "10.0.0.0/8")', null], ['cidrMatch(source.ip, null)', null], ['cidrMatch(destination.ip, "::1/128")', true],
  ['cidrMatch(related.ip, "192.168.0.0/16")', true], ['cidrMatch(missing.ip, "10.0.0.0/8")', null],
  // concat
  ['concat("process is ", "regsvr32.exe")', 'process is regsvr32.exe'], ['concat("regsvr32.exe", " ", 42)', 'regsvr32.exe 42'],
  ['concat("regsvr32.exe", " ", 42.5)', 'regsvr32.exe 42.5'], ['concat("regsvr32.exe", " ", true)', 'regsvr32.exe true'],
  ['concat(process.name, " ", process.args_count)', 'regsvr32.exe 4'], ['concat(null, "regsvr32.exe")', null],
  ['concat(process.name, null)', null], ['concat(null)', null], ['concat("x")', 'x'],
  // endsWith / startsWith
  ['endsWith("regsvr32.exe", ".exe")', true], ['endsWith("regsvr32.exe", ".EXE")', false], ['endsWith("", "")', true],
  ['endsWith~("regsvr32.exe", ".EXE")', true], ['endsWith("regsvr32.exe", file.extension)', true],
  ['endsWith("ntdll.dll", file.name)', false], ['endsWith("regsvr32.exe", null)', null], ['endsWith(null, null)', null],
  ['startsWith("regsvr32.exe", "regsvr32")', true], ['startsWith("regsvr32.exe", "Regsvr32")', false],
  ['startsWith~("regsvr32.exe", "Regsvr32")', true], ['startsWith("", "")', true], ['startsWith(null, "a")', null],
  ['startsWith(process.args, "/node")', true], ['startsWith(process.args, "/NODE")', false], ['startsWith~(process.args, "/NODE")', true],
  // indexOf
  ['indexOf(url.domain, "d")', 3], ['indexOf(url.domain, "D")', null], ['indexOf(url.domain, ".")', 9],
  ['indexOf(url.domain, ".", 9)', 9], ['indexOf(url.domain, ".", 10)', 17], ['indexOf(url.domain, ".", -6)', 9],
  ['indexOf~(url.domain, "D")', 3], ['indexOf("", "")', 0], ['indexOf(url.domain, "")', 0], ['indexOf(url.domain, "", 9)', 9],
  ['indexOf(url.domain, "", 10)', 10], ['indexOf(url.domain, "", -6)', 0], ['indexOf(url.domain, "z")', null],
  ['indexOf(url.domain, ".", 30)', null], ['indexOf(null, ".", 9)', null], ['indexOf(url.domain, null, 9)', null],
  ['indexOf(url.domain, ".", null)', null],
  // length
  ['length("explorer.exe")', 12], ['length("")', 0], ['length(null)', null], ['length(process.name)', 12],
  ['length(process.args)', [5, 7, 4]], // multi-valued: one length per value
  // number
  ['number("1337")', 1337], ['number("42.5")', 42.5], ['number("deadbeef", 16)', 3735928559], ['number("0xdeadbeef")', 3735928559],
  ['number("0xdeadbeef", 16)', 3735928559], ['number("+1337")', 1337], ['number("-1337")', -1337], ['number("  1337  ")', 1337],
  ['number(n.s)', 1337], ['number(null)', null], ['number(null, 16)', null], ['number("0xdeadbeef", null)', 3735928559],
  ['number("1337", null)', 1337], ['number("")', null], ['number("12a")', null], ['number("32", 16)', 50], ['number("0x32", 16)', 50],
  ['number("31", 13)', 40], ['number("z", 36)', 35], ['number("2", 2)', null],
  // string
  ['string(42)', '42'], ['string(42.5)', '42.5'], ['string("regsvr32.exe")', 'regsvr32.exe'], ['string(true)', 'true'],
  ['string(null)', null], ['string(divide(10, 2.0))', '5.0'], ['string(n.f)', '2.5'],
  // stringContains
  ['stringContains("start regsvr32.exe", "regsvr32")', true], ['stringContains("start regsvr32.exe", "Regsvr32")', false],
  ['stringContains~("start regsvr32.exe", "Regsvr32")', true], // the ES docs example says false; the ~ form is case-insensitive
  ['stringContains("start regsvr32.exe", process.name)', true], ['stringContains("", "")', false], ['stringContains("abc", "")', false],
  ['stringContains(null, "a")', null], ['stringContains("a", null)', null],
  // substring
  ['substring("start regsvr32.exe", 6)', 'regsvr32.exe'], ['substring("start regsvr32.exe", 0, 5)', 'start'],
  ['substring("start regsvr32.exe", 6, 14)', 'regsvr32'], ['substring("start regsvr32.exe", -4)', '.exe'],
  ['substring("start regsvr32.exe", -4, -1)', '.ex'], ['substring("abc", 2, 1)', ''], ['substring("abc", 5)', ''],
  ['substring("abc", -10, 2)', 'ab'], ['substring(null, 1)', null],
  // function names resolve case-insensitively
  ['CONCAT("a", "b")', 'ab'], ['cidrmatch(source.ip, "192.168.0.0/16")', true], ['endswith~("A.EXE", ".exe")', true],
]

describe('functions', () => {
  for (const [text, expected] of cases) {
    it(`${text} → ${JSON.stringify(expected)}`, () => {
      const got = run(text)
      if (typeof expected === 'number' && typeof got === 'number' && !Number.isInteger(expected)) assert.ok(Math.abs(got - expected) < 1e-12)
      else assert.deepEqual(got, expected)
    })
  }

  // [expression, error code, message part]
  const errors: [string, string, string][] = [
    ['cidrMatch(source.ip, "10.0.0.0/33")', 'type', 'not a valid CIDR'],
    ['cidrMatch(source.ip, "nope")', 'type', 'not a valid CIDR'],
  ]
  for (const [text, code, part] of errors) {
    it(`rejects ${text}`, () => {
      const p = parseExpression(text)
      assert.ok(p.ok)
      const c = tryCompileExpr(p.value)
      assert.equal(c.ok, false)
      if (c.ok) return
      assert.equal(c.errors[0]?.code, code)
      assert.ok(c.errors[0]?.message.includes(part))
      assert.equal(text.slice(c.errors[0]?.span.start, c.errors[0]?.span.end).startsWith('"'), true)
    })
  }
})
