// Every fixture record normalized and compared with its golden ECS output (records.ecs.jsonl next to
// it). Regenerate after a deliberate mapping change with UPDATE_GOLDENS=1, then review the diff.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createNormalizer } from '../../src/ecs/index.js'
import { loadSources } from './fixtures.js'

const update = process.env.UPDATE_GOLDENS === '1'

for (const src of loadSources()) {
  test(`golden ECS output: ${src.name}`, () => {
    const normalize = createNormalizer()
    const actual = src.raws.map((raw) => {
      const n = normalize(raw)
      assert.notEqual(n.status, 'invalid', `${src.name}: ${n.reason}`)
      return JSON.stringify({ status: n.status, ...(n.notes ? { notes: n.notes } : {}), event: n.event })
    })
    const file = join(src.dir, 'records.ecs.jsonl')
    if (update || !existsSync(file)) writeFileSync(file, actual.join('\n') + '\n')
    const golden = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '')
    assert.equal(actual.length, golden.length, 'record count')
    for (let i = 0; i < golden.length; i++) {
      assert.deepEqual(JSON.parse(actual[i]!), JSON.parse(golden[i]!), `${src.name} record ${i + 1} (${src.labels[i]!.name})`)
    }
  })
}
