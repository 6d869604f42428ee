import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { defaultFieldTypes, kindOf, mergeFieldTypes, parseMapping, parseMappingText, resolveField } from './fieldtypes.js'

describe('field types', () => {
  it('ECS defaults', () => {
    const t = defaultFieldTypes()
    for (const f of ['source.ip', 'destination.ip', 'client.ip', 'server.ip', 'host.ip', 'related.ip']) assert.equal(t.get(f)?.kind, 'ip', f)
    for (const f of ['process.pid', 'process.parent.pid', 'source.port', 'destination.port']) assert.equal(t.get(f)?.kind, 'long', f)
    for (const f of ['@timestamp', 'event.created', 'event.ingested']) assert.equal(t.get(f)?.kind, 'date', f)
    assert.equal(t.get('event.code')?.kind, 'keyword')
    assert.equal(t.get('process.command_line')?.esType, 'wildcard')
    assert.equal([...t.values()].some((x) => x.kind === 'version'), false)
  })

  it('kindOf', () => {
    assert.equal(kindOf('integer'), 'long')
    assert.equal(kindOf('scaled_float'), 'double')
    assert.equal(kindOf('match_only_text'), 'text')
    assert.equal(kindOf('constant_keyword'), 'keyword')
    assert.equal(kindOf('geo_point'), 'other')
  })

  it('reads a mapping with nesting, sub-fields, aliases, null_value, ignore_above and formats', () => {
    const r = parseMapping({
      mappings: {
        properties: {
          event: { properties: { category: { type: 'alias', path: 'event_type' }, code: { type: 'keyword' } } },
          event_type: { type: 'keyword' },
          hostname: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
          opt: { type: 'keyword', null_value: 'NULL' },
          d: { type: 'date', format: 'dd-MM-yyyy' },
          __proto__: { type: 'long' },
        },
      },
    })
    assert.ok(r.ok)
    const t = r.value
    assert.deepEqual(t.get('event.category'), { kind: 'alias', esType: 'alias', aliasPath: 'event_type' })
    assert.deepEqual(resolveField(t, 'event.category'), { path: 'event_type', type: { kind: 'keyword', esType: 'keyword' } })
    assert.deepEqual(resolveField(t, 'event.code').path, 'event.code')
    assert.deepEqual(t.get('hostname'), { kind: 'text', esType: 'text', ignoreAbove: 256 }) // compared via hostname.keyword
    assert.deepEqual(t.get('hostname.keyword'), { kind: 'keyword', esType: 'keyword', ignoreAbove: 256 })
    assert.equal(t.get('opt')?.nullValue, 'NULL')
    assert.equal(t.get('d')?.format, 'dd-MM-yyyy')
  })

  it('treats __proto__ in a mapping as a field name', () => {
    const r = parseMapping(JSON.parse('{"properties":{"__proto__":{"type":"long"}}}'))
    assert.ok(r.ok)
    assert.equal(r.value.get('__proto__')?.kind, 'long')
  })

  it('accepts {"properties"}, {"mappings"} and GET _mapping shapes', () => {
    for (const json of [
      { properties: { a: { type: 'ip' } } },
      { mappings: { properties: { a: { type: 'ip' } } } },
      { 'my-index': { mappings: { properties: { a: { type: 'ip' } } } } },
    ]) {
      const r = parseMapping(json)
      assert.ok(r.ok)
      assert.equal(r.value.get('a')?.kind, 'ip')
    }
  })

  // [input, where, message part]
  const bad: [unknown, string, string][] = [
    [42, '$', 'expected an object'],
    [{ properties: { a: 1 } }, 'properties.a', 'must be an object'],
    [{ properties: { a: {} } }, 'properties.a', 'neither'],
    [{ properties: { a: { type: 3 } } }, 'properties.a', 'non-string'],
    [{ properties: { a: { type: 'alias', path: 'nope' } } }, 'a', 'unmapped field [nope]'],
    [{ properties: { a: { type: 'alias' } } }, 'a', 'no "path"'],
    [{ properties: { a: { type: 'keyword', null_value: {} } } }, 'properties.a', 'null_value'],
  ]
  for (const [input, at, part] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      const r = parseMapping(input)
      assert.equal(r.ok, false)
      if (r.ok) return
      assert.equal(r.errors[0]?.at, at)
      assert.ok(r.errors[0]?.message.includes(part), r.errors[0]?.message)
    })
  }

  it('reads fixture text: # comments and [runtime_random_keyword_type]', () => {
    const r = parseMappingText('# comment\n{"properties": {"a": {"type": "[runtime_random_keyword_type]"}}}\n')
    assert.ok(r.ok)
    assert.equal(r.value.get('a')?.kind, 'keyword')
  })

  it('reports JSON syntax errors with a line and column', () => {
    const r = parseMappingText('{\n  "properties": {\n    "a": }\n}')
    assert.equal(r.ok, false)
    if (r.ok) return
    assert.match(r.errors[0]?.at ?? '', /^line 3:/)
  })

  it('mergeFieldTypes lets the mapping win', () => {
    const m = parseMapping({ properties: { source: { properties: { ip: { type: 'keyword' } } } } })
    assert.ok(m.ok)
    const t = mergeFieldTypes(defaultFieldTypes(), m.value)
    assert.equal(t.get('source.ip')?.kind, 'keyword')
    assert.equal(t.get('destination.ip')?.kind, 'ip')
  })
})
