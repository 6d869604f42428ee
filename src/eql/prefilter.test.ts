import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseExpression } from './parser.js'
import { compileCondition } from './compile.js'
import { buildPrefilter } from './prefilter.js'
import type { EcsEvent } from './value.js'

const verbatim = { isVerbatim: (p: string) => !['source.ip', 'process.pid', 'weird.ip'].includes(p) }

function prefilterOf(text: string) {
  const e = parseExpression(text)
  assert.ok(e.ok, JSON.stringify(!e.ok && e.errors))
  return { pf: buildPrefilter(e.value, verbatim), match: compileCondition(e.value) }
}

const WMIC = `host.os.type == "windows" and event.type == "start" and process.name : "WMIC.exe" and
  process.args : "*node:*" and process.args : ("call", "set", "get") and
  not process.args : ("*/node:localhost*", "*/node:\\"127.0.0.1\\"*", "/node:127.0.0.1")`

// [condition, event, may the line be skipped?]
const cases: Array<[string, EcsEvent, boolean]> = [
  [WMIC, { host: { os: { type: 'windows' } }, event: { type: ['start'] }, process: { name: 'wmic.EXE', args: ['WMIC', '/NODE:10.0.0.1', 'process', 'CALL', 'create'] } }, false],
  [WMIC, { host: { os: { type: 'windows' } }, event: { type: ['start'] }, process: { name: 'cmd.exe', args: ['cmd'] } }, true],
  ['process.name == "a\\"b\\\\c"', { process: { name: 'a"b\\c' } }, false],
  ['process.name == "a\\"b\\\\c"', { process: { name: 'abc' } }, true],
  ['process.name : "*ÉTÉ*"', { process: { name: 'été' } }, false],
  ['source.ip == "::1"', { source: { ip: '0:0:0:0:0:0:0:1' } }, false],
  ['process.pid == 4', { process: { pid: 4 } }, false],
  ['process.name : "foo*" or process.name : "bar*"', { process: { name: 'BARX' } }, false],
  ['process.name : "foo*" or process.name : "bar*"', { process: { name: 'baz' } }, true],
  ['process.name : "foo*" or source.ip == "1.2.3.4"', { process: { name: 'baz' } }, false],
  ['not process.name : "foo"', { process: { name: 'bar' } }, false],
  ['process.name in~ ("abc.exe", "def.exe")', { process: { name: 'DEF.EXE' } }, false],
  ['process.name regex "a.*"', { process: { name: 'abc' } }, false],
]

test('prefilter: never skips a line whose event matches; skips lines that cannot', () => {
  for (const [cond, event, skippable] of cases) {
    const { pf, match } = prefilterOf(cond)
    const line = JSON.stringify(event)
    const keep = pf === null || pf(line)
    if (match(event)) assert.ok(keep, `${cond} must keep ${line}`)
    assert.equal(!keep, skippable, `${cond} on ${line}`)
  }
})

test('prefilter: lines with \\u or \\/ escapes or non-ASCII text are always parsed', () => {
  const { pf } = prefilterOf('process.name : "wmic.exe"')
  assert.ok(pf)
  assert.equal(pf('{"process":{"name":"cmd.exe"}}'), false)
  assert.equal(pf('{"process":{"name":"\\u0077mic.exe"}}'), true)
  assert.equal(pf('{"process":{"name":"x\\/y"}}'), true)
  assert.equal(pf('{"process":{"name":"\u212Amic.exe"}}'), true)
})

test('prefilter: a field that is not verbatim text requires nothing', () => {
  assert.equal(prefilterOf('source.ip == "127.0.0.1"').pf, null)
  assert.equal(prefilterOf('process.pid == 4 and weird.ip : "x*"').pf, null)
})
