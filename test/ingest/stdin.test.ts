// `-` reads stdin: a child process gets NDJSON, gzip, and UTF-16 XML piped in and prints what it read.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { gzipSync } from 'node:zlib'

const ROOT = new URL('../../', import.meta.url).pathname
const SCRIPT = `
import { readInputs } from './src/ingest/index.ts'
const out = []
for await (const r of readInputs(['-'])) out.push([r.kind, r.format, r.source.file, r.source.line ?? null])
process.stdout.write(JSON.stringify(out))
`

function runWithStdin(input: Buffer, chunkDelayMs = 0): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`exit ${code}: ${stderr}`))
      else resolve(JSON.parse(stdout))
    })
    // Write in small pieces, with pauses, like a pipe from a slow producer.
    const pieces: Buffer[] = []
    for (let at = 0; at < input.length; at += 5) pieces.push(input.subarray(at, at + 5))
    const pump = (): void => {
      const p = pieces.shift()
      if (p === undefined) return void child.stdin.end()
      child.stdin.write(p)
      if (chunkDelayMs > 0) setTimeout(pump, chunkDelayMs)
      else pump()
    }
    pump()
  })
}

test('stdin: NDJSON piped in slowly, with a bad line in the middle', async () => {
  const got = await runWithStdin(Buffer.from('{"a":1}\n{oops\n{"b":2}\n'), 2)
  assert.deepEqual(got, [['record', 'ndjson', '-', 1], ['malformed', 'ndjson', '-', 2], ['record', 'ndjson', '-', 3]])
})

test('stdin: gzip is detected from the bytes', async () => {
  const got = await runWithStdin(gzipSync('[{"a":1},{"b":2}]'))
  assert.deepEqual(got, [['record', 'json', '-', 1], ['record', 'json', '-', 1]])
})

test('stdin: UTF-16LE Event XML (PowerShell redirection)', async () => {
  const xml = '\ufeff<Event><System><EventID>1</EventID></System></Event>\r\n<Event><System><EventID>2</EventID></System></Event>\r\n'
  const got = await runWithStdin(Buffer.from(xml, 'utf16le'))
  assert.deepEqual(got, [['record', 'xml', '-', 1], ['record', 'xml', '-', 2]])
})
