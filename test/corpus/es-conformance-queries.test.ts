// Every query of the Elasticsearch EQL conformance suites is valid ES EQL, so the front end must accept it
// (this checks parsing and validation only; results are checked by the conformance harness). The suites
// live outside the repo (../shared/conformance, see its README); the test skips when they are absent.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parse as parseToml } from 'smol-toml'
import { renderError } from '../../src/eql/errors.js'
import { parse } from '../../src/eql/parser.js'

const ROOT = process.env.VIGIL_CONFORMANCE ?? join(import.meta.dirname, '../../../shared/conformance')
const SUITES = ['test_queries.toml', 'additional_test_queries.toml', 'test_queries_date.toml', 'test_extra.toml',
  'test_missing_events.toml', 'test_sample.toml', 'test_sample_multi.toml']

/**
 * The ES suites write `join_keys = [null]`, which is not TOML, so the files cannot be parsed whole: find each
 * `query = <string>` and decode just that string with the TOML parser.
 */
function readSuite(path: string): { name: string; query: string }[] {
  const text = readFileSync(path, 'utf8')
  const found = /^\s*query\s*=\s*('\'\'[\s\S]*?'\'\'|"""[\s\S]*?"""|'[^'\n]*'|"(?:[^"\\\n]|\\.)*")/gm
  const out: { name: string; query: string }[] = []
  for (const m of text.matchAll(found)) {
    const line = text.slice(0, m.index).split('\n').length
    const doc = parseToml(`q = ${m[1]}`) as { q: string }
    out.push({ name: `line ${line}`, query: doc.q })
  }
  return out
}

describe('Elasticsearch conformance queries', () => {
  for (const suite of SUITES) {
    it(`accepts every query of ${suite}`, (t) => {
      const path = join(ROOT, 'elasticsearch', suite)
      if (!existsSync(path)) return t.skip(`suite not found at ${path} (set VIGIL_CONFORMANCE)`)
      const queries = readSuite(path)
      assert.ok(queries.length > 0, `no queries in ${suite}`)
      t.diagnostic(`${suite}: ${queries.length} queries`)
      const failures = queries.flatMap(({ name, query }) => {
        const r = parse(query)
        return r.ok ? [] : [`${name}: ${r.errors.map((e) => renderError(query, e)).join(' | ')}`]
      })
      assert.deepEqual(failures, [])
    })
  }
})
