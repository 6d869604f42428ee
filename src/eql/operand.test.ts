import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { anyOf, formatNumber, parseNumeric, scalarToString, truth } from './operand.js'

describe('operand helpers', () => {
  // Java's String.valueOf(double) / Long.toString, which string() and concat() follow
  const numbers: [number, boolean, string][] = [
    [42, false, '42'], [42.5, true, '42.5'], [5, true, '5.0'], [-0, true, '-0.0'], [0.001, true, '0.001'],
    [0.0001, true, '1.0E-4'], [1e7, true, '1.0E7'], [12345678.9, true, '1.23456789E7'], [1.5e-7, true, '1.5E-7'],
    [9999999, true, '9999999.0'], [Number.NaN, true, 'NaN'], [Infinity, true, 'Infinity'], [-Infinity, true, '-Infinity'],
  ]
  for (const [n, isFloat, expected] of numbers) it(`formatNumber(${n}, ${isFloat})`, () => assert.equal(formatNumber(n, isFloat), expected))

  it('scalarToString', () => {
    assert.equal(scalarToString(true, 'any'), 'true')
    assert.equal(scalarToString(null, 'any'), null)
    assert.equal(scalarToString(3, 'float'), '3.0')
    assert.equal(scalarToString(3, 'number'), '3')
  })

  it('parseNumeric accepts numbers only', () => {
    assert.equal(parseNumeric(' 12 '), 12)
    assert.equal(parseNumeric('-1.5e3'), -1500)
    assert.equal(parseNumeric('.5'), 0.5)
    for (const bad of ['', '0x10', '1,5', 'abc', '1 2', 'Infinity', 'NaN']) assert.equal(parseNumeric(bad), null, bad)
  })

  it('anyOf: true beats null beats false', () => {
    const isA = (x: unknown) => (x === 'a' ? true : x === 'n' ? null : false)
    assert.equal(anyOf(null, isA), null)
    assert.equal(anyOf('a', isA), true)
    assert.equal(anyOf(['b', 'a'], isA), true)
    assert.equal(anyOf(['b', 'c'], isA), false)
    assert.equal(anyOf(['b', 'n'], isA), null)
    assert.equal(anyOf(['b', null], isA), null)
    assert.equal(anyOf([], isA), false)
  })

  it('truth of condition values', () => {
    assert.equal(truth(true), true)
    assert.equal(truth(false), false)
    assert.equal(truth(null), null)
    assert.equal(truth('true'), null) // not a boolean
    assert.equal(truth([false, true]), true)
    assert.equal(truth([false]), false)
  })
})
