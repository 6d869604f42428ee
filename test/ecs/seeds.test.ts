// The two seed detections (shared/seeds: WMIC remote command, incoming WinRM remote shell) run through
// the real EQL compiler and detection engine over the normalized fixtures of every source: each
// positive fires, each near miss stays silent, and nothing else fires.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createNormalizer } from '../../src/ecs/index.js'
import { compile, parse, type EcsEvent } from '../../src/eql/index.js'
import { runQuery, type EventRecord } from '../../src/detect/index.js'
import { loadSources, type FixtureSource } from './fixtures.js'
import { WMIC_QUERY as WMIC, WINRM_QUERY as WINRM } from '../seed-queries.js'


function compiled(text: string) {
  const parsed = parse(text)
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '))
  return compile(parsed.value)
}

function records(events: readonly EcsEvent[]): EventRecord[] {
  return events.map((event, ordinal) => {
    const ts = event['@timestamp']
    return { event, ordinal, timestampMs: typeof ts === 'string' ? Date.parse(ts) : null }
  })
}

function normalizeAll(src: FixtureSource): EcsEvent[] {
  const normalize = createNormalizer()
  return src.raws.map((raw) => normalize(raw).event)
}

const wmic = compiled(WMIC)
const winrm = compiled(WINRM)

for (const src of loadSources()) {
  test(`seed detections on ${src.name}`, () => {
    const recs = records(normalizeAll(src))
    const name = (i: number) => src.labels[i]!.name

    const wmicHits = runQuery(wmic, recs).map((r) => (r.kind === 'event' ? name(r.record.ordinal) : 'non-event result'))
    const wmicWanted = src.labels.filter((l) => l.wmic === true).map((l) => l.name)
    assert.deepEqual(wmicHits.sort(), wmicWanted.sort(), 'WMIC remote command: exactly the positives fire')
    if (src.labels.some((l) => l.wmic !== undefined)) {
      assert.ok(wmicWanted.length >= 2, 'fixture has both WMIC positives')
      assert.ok(src.labels.filter((l) => l.wmic === false).length >= 5, 'fixture has the WMIC near misses')
    }

    const pairs = runQuery(winrm, recs).map((r) =>
      r.kind === 'event' ? 'unexpected event result' : r.members.map((m) => (m === null ? 'missing' : name(m.ordinal))).join(' -> '))
    const wanted = src.labels.flatMap((l, i) => (l.winrmAfter === undefined ? [] : [`${name(l.winrmAfter)} -> ${name(i)}`]))
    assert.deepEqual(pairs.sort(), wanted.sort(), 'WinRM remote shell: exactly the positive sequences fire')
    assert.ok(wanted.length >= 1, 'fixture has a WinRM positive')
  })
}

test('host.id joins Security 5156 and Sysmon 1 of one computer (any case of its name)', () => {
  const sources = new Map(loadSources().map((s) => [s.name, s]))
  const sec = sources.get('security-evtx-json')!
  const sys = sources.get('sysmon-evtx-json')!
  const net = sec.raws[sec.labels.findIndex((l) => l.name === 'winrm-remote:network')] as { Event: { System: { Computer: string } } }
  const proc = structuredClone(sys.raws[sys.labels.findIndex((l) => l.name === 'winrm-remote:process')]) as { Event: { System: { Computer: string } } }
  proc.Event.System.Computer = net.Event.System.Computer.toLowerCase()
  const normalize = createNormalizer()
  const events = [normalize(net).event, normalize(proc).event]
  const results = runQuery(winrm, records(events))
  assert.equal(results.length, 1)
  // Another computer's child process must not complete the sequence.
  const other = structuredClone(proc)
  other.Event.System.Computer = 'OTHER-HOST.corp.example.com'
  assert.equal(runQuery(winrm, records([normalize(net).event, normalize(other).event])).length, 0)
})
