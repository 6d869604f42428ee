import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { argSpec, ENDGAME_ONLY_FUNCTIONS, FUNCTION_SIGNATURES, lookupFunction, similarFunctions } from './signatures.js'

describe('function signatures', () => {
  it('has the 16 Elasticsearch functions, each once', () => {
    assert.deepEqual(FUNCTION_SIGNATURES.map((s) => s.name).sort(), [
      'add', 'between', 'cidrMatch', 'concat', 'divide', 'endsWith', 'indexOf', 'length', 'modulo', 'multiply',
      'number', 'startsWith', 'string', 'stringContains', 'substring', 'subtract',
    ])
  })
  it('resolves names case-insensitively to the canonical spelling', () => {
    const cases: [string, string | undefined][] = [
      ['cidrmatch', 'cidrMatch'], ['CIDRMATCH', 'cidrMatch'], ['endswith', 'endsWith'], ['StringContains', 'stringContains'],
      ['wildcard', undefined], ['__proto__', undefined], ['constructor', undefined], ['toString', undefined],
    ]
    for (const [name, canonical] of cases) assert.equal(lookupFunction(name)?.name, canonical, name)
  })
  it('lists the ~ forms Elasticsearch documents', () => {
    assert.deepEqual(FUNCTION_SIGNATURES.filter((s) => s.hasInsensitiveForm).map((s) => s.name).sort(),
      ['between', 'endsWith', 'indexOf', 'startsWith', 'stringContains'])
  })
  it('describes arities and argument kinds', () => {
    const substring = lookupFunction('substring')!
    assert.deepEqual([substring.minArgs, substring.maxArgs], [2, 3])
    assert.deepEqual([0, 1, 2, 3].map((i) => argSpec(substring, i)?.kind), ['string', 'integer', 'integer', undefined])
    const cidr = lookupFunction('cidrMatch')!
    assert.equal(cidr.maxArgs, null)
    assert.deepEqual(argSpec(cidr, 7), { kind: 'string', isConstant: true })
    for (const s of FUNCTION_SIGNATURES) {
      if (s.maxArgs !== null) assert.ok(s.args.length >= s.maxArgs, `${s.name}: every argument has a kind`)
      assert.ok(s.minArgs >= 1)
    }
  })
  it('knows the Endgame-only functions and suggests near names', () => {
    for (const n of ['arraycontains', 'arraycount', 'arraysearch', 'match', 'matchlite', 'safe', 'wildcard']) assert.ok(ENDGAME_ONLY_FUNCTIONS.has(n), n)
    assert.deepEqual(similarFunctions('startwith'), ['startsWith'])
    assert.deepEqual(similarFunctions('Substr'), [])
    assert.deepEqual(similarFunctions('lenght'), ['length'])
  })
})
