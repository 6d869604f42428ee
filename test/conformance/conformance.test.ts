// Every entry of every Elasticsearch EQL spec suite must pass: no known-failures list.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadSuites, runEntry, checkEntry, lenientToml, loadEndgameEntries, runEndgameEntry, translateEndgameSyntax } from './harness.js'

const suites = loadSuites()

test('conformance: all seven ES suites are loaded with their documented entry counts', () => {
  const counts = Object.fromEntries(suites.map((s) => [s.name, s.entries.length]))
  assert.deepEqual(counts, { main: 133, additional: 61, date: 4, extra: 40, 'missing-events': 26, sample: 25, 'sample-multi': 9 })
})

for (const suite of suites) {
  test(`conformance: ${suite.name}`, async (t) => {
    for (const entry of suite.entries) {
      await t.test(entry.name, () => {
        const outcome = runEntry(entry, suite.dataset)
        assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.reason}\n${entry.query}`)
      })
    }
  })
}

test('conformance harness: lenient TOML rewrites bare null on join_keys lines only', () => {
  const text = 'query = "a where x == null"\njoin_keys = [null, "tag1"]\njoin_keys = ["a",\n  null]\n'
  assert.equal(lenientToml(text), 'query = "a where x == null"\njoin_keys = ["null", "tag1"]\njoin_keys = ["a",\n  "null"]\n')
})

test('conformance harness: checkEntry accepts any alternative and compares join keys when given', () => {
  const entry = { suite: 's', name: 'n', query: 'q', expected: [[1, 2], [3, 4]], joinKeys: ['a'] }
  assert.deepEqual(checkEntry(entry, [3, 4], ['a']), { ok: true })
  assert.equal(checkEntry(entry, [1, 3], ['a']).ok, false)
  assert.equal(checkEntry(entry, [1, 2], ['b']).ok, false)
  assert.deepEqual(checkEntry({ ...entry, joinKeys: [] }, [1, 2], ['anything']), { ok: true })
})

test('conformance: Endgame entries differ from ES only where Endgame `==` treats `*` as a wildcard', () => {
  const main = suites.find((s) => s.name === 'main')!
  const entries = loadEndgameEntries()
  let agree = 0
  for (const entry of entries) {
    const r = runEndgameEntry(entry, main.dataset)
    if (r.outcome === 'agree') agree++
    if (r.outcome === 'differ') assert.match(entry.translated, /==\s*"[^"]*\*/, `#${entry.index} differs: ${r.detail}`)
  }
  assert.ok(agree >= 100, `only ${agree} Endgame entries agree`)
})

test('conformance harness: Endgame syntax translation', () => {
  assert.equal(translateEndgameSyntax(`process where a = 'x"y' and b <= 2 and c != 3 and d == ?"C:\\x"`), `process where a == "x\\"y" and b <= 2 and c != 3 and d == """C:\\x"""`)
})
