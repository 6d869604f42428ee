// Real-world parser check: every EQL query of elastic/detection-rules must parse and validate, and a broken
// twin of each must be rejected with a position. The corpus is Elastic License 2.0 and is never committed:
// extract `rules/` and `rules_building_block/` of elastic/detection-rules outside the repo, e.g.
//   git --git-dir=<clone>/.git archive HEAD rules rules_building_block | tar -x -C /work/corpus/detection-rules
// and point VIGIL_DETECTION_RULES at that folder (default /work/corpus/detection-rules).
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'
import { parse as parseToml } from 'smol-toml'
import { renderError } from '../../src/eql/errors.js'
import { lex } from '../../src/eql/lexer.js'
import { parse } from '../../src/eql/parser.js'

const ROOT = process.env.VIGIL_DETECTION_RULES ?? '/work/corpus/detection-rules'
const MIN_SUCCESS = 0.99

interface Rule { readonly file: string; readonly query: string }

function* tomlFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '_deprecated') continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* tomlFiles(path)
    else if (entry.name.endsWith('.toml')) yield path
  }
}

/** EQL rules of the corpus; unreadable TOML files are returned as failures rather than skipped. */
function loadRules(): { rules: Rule[]; unreadable: string[] } {
  const rules: Rule[] = []
  const unreadable: string[] = []
  for (const file of tomlFiles(ROOT)) {
    let doc: unknown
    try {
      doc = parseToml(readFileSync(file, 'utf8'))
    } catch (e) {
      unreadable.push(`${relative(ROOT, file)}: ${(e as Error).message.split('\n')[0]}`)
      continue
    }
    const rule = (doc as { rule?: unknown }).rule
    if (rule === null || typeof rule !== 'object') continue
    const { language, query } = rule as { language?: unknown; query?: unknown }
    if (language === 'eql' && typeof query === 'string') rules.push({ file: relative(ROOT, file), query })
  }
  return { rules, unreadable }
}

/** `==` written `=` (first occurrence) and a dangling `and`: both must be reported with a position. */
export function brokenTwin(query: string): string {
  return `${query.replace(' == ', ' = ')} and`
}

describe('elastic/detection-rules corpus', () => {
  const present = existsSync(ROOT)
  const corpus = present ? loadRules() : { rules: [], unreadable: [] }

  it('parses and validates at least 99% of the EQL rules', (t) => {
    if (!present) return t.skip(`corpus not found at ${ROOT} (set VIGIL_DETECTION_RULES)`)
    assert.ok(corpus.rules.length > 500, `only ${corpus.rules.length} EQL rules found under ${ROOT}`)
    const failures: string[] = [...corpus.unreadable]
    for (const { file, query } of corpus.rules) {
      const r = parse(query)
      if (!r.ok) failures.push(`${file}: ${r.errors.map((e) => renderError(query, e)).join(' | ')}`)
    }
    for (const f of failures) t.diagnostic(`FAIL ${f}`)
    const ok = corpus.rules.length - (failures.length - corpus.unreadable.length)
    const rate = ok / corpus.rules.length
    t.diagnostic(`detection-rules: ${ok}/${corpus.rules.length} EQL rules accepted (${(rate * 100).toFixed(2)}%)`)
    assert.ok(rate >= MIN_SUCCESS, `${failures.length} failures:\n${failures.join('\n')}`)
  })

  it('rejects the broken twin of every rule with a position', (t) => {
    if (!present) return t.skip(`corpus not found at ${ROOT} (set VIGIL_DETECTION_RULES)`)
    const missed: string[] = []
    for (const { file, query } of corpus.rules) {
      const twin = brokenTwin(query)
      const r = parse(twin)
      if (r.ok) { missed.push(`${file}: accepted`); continue }
      // An event query ends in an expression, so the error is at the end ("expected an expression"); a sequence
      // ends in `]`, so the `and` itself is the extraneous token.
      const andAt = twin.length - 3
      const dangling = r.errors.find((e) => e.code === 'syntax' && (e.span.start === twin.length || e.span.start === andAt))
      if (!dangling) missed.push(`${file}: dangling 'and' not reported: ${r.errors.map((e) => renderError(twin, e)).join(' | ')}`)
      const eq = query.indexOf(' == ') + 1
      // Only when that `==` is a real token (not inside a comment or a string).
      if (eq > 0 && lex(query).tokens.some((tok) => tok.kind === 'punct' && tok.text === '==' && tok.start === eq)) {
        if (!r.errors.some((e) => e.code === 'unsupported' && e.span.start === eq)) missed.push(`${file}: '=' not reported at offset ${eq}`)
      }
    }
    assert.deepEqual(missed, [])
  })
})
