// The byte-level line splitter against a naive reference, under any chunking.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLineSplitter, readNdjsonLines } from './index.js'

type Out = [number, string] | [number, 'overlong', number]

function split(chunks: readonly Buffer[], maxLineBytes?: number): Out[] {
  const out: Out[] = []
  const s = createLineSplitter(
    { line: (text, line) => void out.push([line, text]), overlong: (line, bytes) => void out.push([line, 'overlong', bytes]) },
    maxLineBytes === undefined ? {} : { maxLineBytes },
  )
  for (const c of chunks) s.push(c)
  s.end()
  return out
}

/** The reference: split on \n, drop one trailing \r, skip blank (spaces/tabs only) lines. */
function reference(text: string, maxLineBytes = Infinity): Out[] {
  const body = text.startsWith('\ufeff') ? text.slice(1) : text
  const parts = body.split('\n')
  if (parts[parts.length - 1] === '') parts.pop()
  const out: Out[] = []
  parts.forEach((p, k) => {
    const bytes = Buffer.byteLength(p)
    if (bytes > maxLineBytes) out.push([k + 1, 'overlong', bytes])
    else {
      const t = p.endsWith('\r') ? p.slice(0, -1) : p
      if (t.replace(/[ \t\r]/g, '') !== '') out.push([k + 1, t])
    }
  })
  return out
}

function cut(buf: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = []
  for (let at = 0, k = 0; at < buf.length; k++) {
    const n = sizes[k % sizes.length]!
    out.push(buf.subarray(at, at + n))
    at += n
  }
  return out
}

// [name, input, expected]
const cases: [string, string, Out[]][] = [
  ['LF, CRLF, final line without newline', 'a\r\nb\nc', [[1, 'a'], [2, 'b'], [3, 'c']]],
  ['blank and whitespace-only lines are skipped but counted', '\n  \n\t\r\nx\n\n', [[4, 'x']]],
  ['a UTF-8 BOM is dropped', '\ufeff{"a":1}\n', [[1, '{"a":1}']]],
  ['a lone CR inside a line is kept', 'a\rb\n', [[1, 'a\rb']]],
  ['multi-byte characters survive any split', 'é€😀\n', [[1, 'é€😀']]],
]
for (const [name, input, want] of cases) {
  test(`lines: ${name}`, () => {
    const buf = Buffer.from(input)
    for (const sizes of [[buf.length || 1], [1], [2, 3]]) assert.deepEqual(split(cut(buf, sizes)), want, JSON.stringify(sizes))
  })
}

test('lines: an overlong line spanning chunks is reported once with its length, and the next line is read', () => {
  const buf = Buffer.from(`short\n${'x'.repeat(50)}\r\nafter\n${'y'.repeat(11)}`)
  for (const sizes of [[buf.length], [1], [7], [3, 20]]) {
    assert.deepEqual(split(cut(buf, sizes), 10), [[1, 'short'], [2, 'overlong', 51], [3, 'after'], [4, 'overlong', 11]], JSON.stringify(sizes))
  }
})

test('lines: any text, any chunking → the reference split', () => {
  const line = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', ' ', '\t', '{"a":"é"}', 'x\r'))
  fc.assert(
    fc.property(
      fc.array(line, { maxLength: 12 }),
      fc.boolean(),
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
      fc.option(fc.integer({ min: 1, max: 16 }), { nil: undefined }),
      (lines, trailingNewline, sizes, cap) => {
        const text = lines.map((l) => l.replaceAll('\n', '')).join('\n') + (trailingNewline ? '\n' : '')
        assert.deepEqual(split(cut(Buffer.from(text), sizes), cap), reference(text, cap))
      },
    ),
    { numRuns: 300 },
  )
})

test('readNdjsonLines: raw lines of a file with their numbers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-lines-'))
  try {
    const path = join(dir, 'x.ndjson')
    await writeFile(path, '{"a":1}\r\n\nnot json\n')
    const got: unknown[] = []
    for await (const l of readNdjsonLines(path)) got.push(l)
    assert.deepEqual(got, [{ kind: 'line', line: 1, text: '{"a":1}' }, { kind: 'line', line: 3, text: 'not json' }])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
