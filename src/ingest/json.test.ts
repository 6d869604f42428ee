// The streaming JSON splitter: any chunking gives what JSON.parse of the whole gives; positions are the
// byte offset and line of each document; broken input is reported with its position.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { jsonRecords, type RawRecord } from './index.js'
import { chunked } from './testing.js'

async function read(text: string, sizes: readonly number[] = []): Promise<RawRecord[]> {
  const out: RawRecord[] = []
  for await (const r of jsonRecords(chunked(Buffer.from(text), sizes), 'f.json')) out.push(r)
  return out
}

const view = (rs: RawRecord[]): unknown[] => rs.map((r) => (r.kind === 'record' ? ['record', r.source.offset, r.source.line, r.raw] : ['malformed', r.source.offset, r.source.line, r.reason]))

// [name, input, expected [kind, offset, line, raw | reason pattern]]
const cases: [string, string, [string, number, number, unknown][]][] = [
  ['array with strings full of structure characters', '[{"a":"]}[{,\\"\\\\"},{"b":"\\\\"}]', [['record', 1, 1, { a: ']}[{,"\\' }], ['record', 19, 1, { b: '\\' }]]],
  ['pretty-printed array: line of each element', '[\n  {\n    "a": 1\n  },\n  {"b": [1, {"c": 2}]}\n]\n', [['record', 4, 2, { a: 1 }], ['record', 24, 5, { b: [1, { c: 2 }] }]]],
  ['one pretty-printed object', '\n{\n  "x": {"y": [1,2]}\n}\n', [['record', 1, 2, { x: { y: [1, 2] } }]]],
  ['concatenated objects (jq . output)', '{"a":1}\n{\n "b":2\n}{"c":3}', [['record', 0, 1, { a: 1 }], ['record', 8, 2, { b: 2 }], ['record', 18, 4, { c: 3 }]]],
  ['scalars and arrays in an array are not documents', '[1, "s", null, [ {"a":1} ], {"ok":true}]', [['malformed', 1, 1, /found a number/], ['malformed', 4, 1, /found a string/], ['malformed', 9, 1, /found null/], ['malformed', 15, 1, /found an array/], ['record', 28, 1, { ok: true }]]],
  ['invalid element between good ones', '[{"a":1},\n{"b":tru},\n{"c":3}]', [['record', 1, 1, { a: 1 }], ['malformed', 10, 2, /invalid JSON/], ['record', 21, 3, { c: 3 }]]],
  ['junk between documents is reported once per line', '{"a":1}\nhello world\n{"b":2}', [['record', 0, 1, { a: 1 }], ['malformed', 8, 2, /not JSON: "hello world"/], ['record', 20, 3, { b: 2 }]]],
  ['truncated inside an element', '[{"a":1},{"b":"unterminated', [['record', 1, 1, { a: 1 }], ['malformed', 9, 1, /truncated/]]],
  ['array never closed', '[{"a":1}, ', [['record', 1, 1, { a: 1 }], ['malformed', 10, 1, /not closed/]]],
  ['unterminated string in a pretty array: resync at the next element line', '[\n  {"a": "broken},\n  {"b": 2},\n  {"c":\n    "x"}\n]', [['malformed', 4, 2, /line break inside a string/], ['record', 22, 3, { b: 2 }], ['record', 34, 4, { c: 'x' }]]],
  ['unterminated string in the last element: the array still closes', '[\n {"a":1},\n {"b": "oops\n]\n{"c":3}', [['record', 3, 2, { a: 1 }], ['malformed', 13, 3, /line break inside a string/], ['record', 27, 5, { c: 3 }]]],
  ['unterminated string in concatenated objects', '{"a": "x\n  "more": 1}\n{"b":2}', [['malformed', 0, 1, /line break inside a string/], ['record', 22, 3, { b: 2 }]]],
  ['__proto__ keys are own data', '[{"__proto__":{"polluted":1}}]', [['record', 1, 1, JSON.parse('{"__proto__":{"polluted":1}}')]]],
  ['UTF-8 text: offsets are bytes', '[{"é":"€"},{"b":2}]', [['record', 1, 1, { é: '€' }], ['record', 14, 1, { b: 2 }]]],
]

for (const [name, input, want] of cases) {
  test(`json: ${name}`, async () => {
    for (const sizes of [[], [1], [2, 5]]) {
      const got = view(await read(input, sizes))
      assert.equal(got.length, want.length, `chunks ${JSON.stringify(sizes)}: ${JSON.stringify(got)}`)
      want.forEach((w, k) => {
        const g = got[k] as unknown[]
        assert.deepEqual(g.slice(0, 3), w.slice(0, 3), `item ${k}, chunks ${JSON.stringify(sizes)}`)
        if (w[3] instanceof RegExp) assert.match(g[3] as string, w[3])
        else assert.deepEqual(g[3], w[3])
      })
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
  })
}

test('json: any array of objects, any chunking, any spacing → exactly JSON.parse of the whole', async () => {
  const doc = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 })
  await fc.assert(
    fc.asyncProperty(
      fc.array(doc, { maxLength: 6 }),
      fc.boolean(),
      fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
      async (docs, pretty, sizes) => {
        const text = pretty ? JSON.stringify(docs, null, 2) : JSON.stringify(docs)
        const got = await read(text, sizes)
        assert.deepEqual(got.map((r) => (r.kind === 'record' ? r.raw : r.reason)), JSON.parse(text))
        for (const r of got) assert.equal(text.startsWith('{', Buffer.from(text).subarray(0, r.source.offset).toString().length), true)
      },
    ),
    { numRuns: 150 },
  )
})

test('json: text is kept only for a value written on one line (it may be echoed as an NDJSON line)', async () => {
  const got = await read('[{"a":1},\n{\n "b": 2\n}]')
  assert.deepEqual(got.map((r) => (r.kind === 'record' ? r.text : r.reason)), ['{"a":1}', undefined])
})
