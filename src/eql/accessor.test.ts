import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compileFieldAccessor, compileRawAccessor } from './accessor.js'
import type { FieldType } from './fieldtypes.js'
import type { EcsEvent } from './value.js'

const ev = (json: string): EcsEvent => JSON.parse(json) as EcsEvent

describe('field accessor', () => {
  // [path, event JSON, expected value]
  const cases: [string, string, unknown][] = [
    ['process.name', '{"process":{"name":"a"}}', 'a'],
    ['process.name', '{"process.name":"a"}', 'a'],
    ['process.parent.name', '{"process":{"parent.name":"a"}}', 'a'],
    ['process.parent.name', '{"process.parent":{"name":"a"}}', 'a'],
    ['process.parent.name', '{"process":{"parent":{"name":"a"}}}', 'a'],
    ['process.parent.name', '{"process":{"parent":{"name":"a"}},"process.parent.name":"b"}', ['a', 'b']], // both indexed
    ['a.b.c.d', '{"a":{"b.c":{"d":1}}}', 1],
    ['a.b.c.d', '{"a.b":{"c":{"d":1}},"a":{"b":{"c.d":2}}}', [2, 1]],
    ['process.args', '{"process":{"args":["a","b"]}}', ['a', 'b']],
    ['process.args', '{"process":{"args":["a"]}}', 'a'],
    ['process.args', '{"process":{"args":[]}}', null],
    ['process.args', '{"process":{"args":[["a",["b"]],"c"]}}', ['a', 'b', 'c']], // arrays of arrays flatten
    ['tags', '{"tags":["a",null,"b"]}', ['a', 'b']], // nulls are not indexed
    ['tags', '{"tags":[null]}', null],
    ['user.name', '{"user":[{"name":"a"},{"name":"b"},{"id":1}]}', ['a', 'b']], // arrays of objects
    ['user.name', '{"user":[[{"name":"a"}]]}', 'a'],
    ['process', '{"process":{"name":"a"}}', null], // an object is not a value
    ['missing', '{}', null],
    ['process.name', '{"process":"x"}', null],
    ['process.name', '{"process":null}', null],
    ['__proto__', '{"__proto__":"p"}', 'p'], // plain data, not the prototype
    ['__proto__', '{}', null],
    ['constructor', '{"constructor":"c"}', 'c'],
    ['constructor', '{}', null],
    ['a.constructor', '{"a":{}}', null],
    ['toString', '{}', null],
    ['a.__proto__.b', '{"a":{"__proto__":{"b":1}}}', 1],
    ['a.__proto__.b', '{"a":{}}', null],
    ['process.args.length', '{"process":{"args":["a","b"]}}', null], // array length is not a field
    ['a.b', '{"a":{"b":false}}', false],
    ['a.b', '{"a":{"b":0}}', 0],
  ]
  for (const [path, json, expected] of cases) {
    it(`${path} in ${json}`, () => {
      assert.deepEqual(compileFieldAccessor(path.split('.'), undefined)(ev(json)), expected)
    })
  }

  it('raw accessor reports absence as undefined', () => {
    assert.equal(compileRawAccessor(['a', 'b'])(ev('{"a":{}}')), undefined)
    assert.equal(compileRawAccessor(['a', 'b'])(ev('{"a":{"b":null}}')), null)
  })

  it('works on objects without a prototype', () => {
    const e = Object.create(null) as Record<string, unknown>
    e['a'] = Object.assign(Object.create(null) as object, { b: 'x' })
    assert.equal(compileFieldAccessor(['a', 'b'], undefined)(e), 'x')
  })

  // [type, raw JSON value, expected]
  const typed: [FieldType, string, unknown][] = [
    [{ kind: 'keyword', esType: 'keyword' }, '4688', '4688'], // a number in a keyword field is text
    [{ kind: 'keyword', esType: 'keyword' }, 'true', 'true'],
    [{ kind: 'keyword', esType: 'keyword', ignoreAbove: 3 }, '"abcd"', null], // not indexed past ignore_above
    [{ kind: 'keyword', esType: 'keyword', ignoreAbove: 3 }, '["abcd","abc"]', 'abc'],
    [{ kind: 'long', esType: 'long' }, '"1234"', 1234], // numeric strings are coerced
    [{ kind: 'long', esType: 'long' }, '" 12 "', 12],
    [{ kind: 'long', esType: 'long' }, '1.9', 1], // longs truncate
    [{ kind: 'long', esType: 'long' }, '"x"', null],
    [{ kind: 'long', esType: 'long' }, '["1", 2]', [1, 2]],
    [{ kind: 'double', esType: 'double' }, '"1.5"', 1.5],
    [{ kind: 'boolean', esType: 'boolean' }, '"true"', true],
    [{ kind: 'boolean', esType: 'boolean' }, '"false"', false],
    [{ kind: 'ip', esType: 'ip' }, '"0:0:0:0:0:0:0:1"', '::1'],
    [{ kind: 'ip', esType: 'ip' }, '"::ffff:10.0.0.1"', '10.0.0.1'],
    [{ kind: 'ip', esType: 'ip' }, '"nope"', null],
    [{ kind: 'date', esType: 'date' }, '"2017-08-30T20:47:33Z"', Date.parse('2017-08-30T20:47:33Z')],
    [{ kind: 'date', esType: 'date' }, '"1516116808349"', 1516116808349],
    [{ kind: 'date', esType: 'date' }, '1516116808349', 1516116808349],
    [{ kind: 'date', esType: 'date', format: 'dd-MM-yyyy' }, '"17-12-2022"', Date.parse('2022-12-17T00:00:00Z')],
    [{ kind: 'version', esType: 'version' }, '"1.2.3"', '1.2.3'],
    [{ kind: 'keyword', esType: 'keyword', nullValue: 'NULL' }, 'null', 'NULL'], // null_value replaces an explicit null
    [{ kind: 'keyword', esType: 'keyword', nullValue: 'NULL' }, '[null, "a"]', ['NULL', 'a']],
  ]
  for (const [type, json, expected] of typed) {
    it(`${type.esType}: ${json}`, () => {
      assert.deepEqual(compileFieldAccessor(['f'], type)(ev(`{"f":${json}}`)), expected)
    })
  }

  it('null_value does not apply to an absent field', () => {
    const t: FieldType = { kind: 'keyword', esType: 'keyword', nullValue: 'NULL' }
    assert.equal(compileFieldAccessor(['f'], t)(ev('{}')), null)
  })
})
