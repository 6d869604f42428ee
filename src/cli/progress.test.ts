import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createProgress, shouldShowProgress } from './progress.js'

test('progress shows only on a terminal, never under CI or a dumb terminal', () => {
  const tty = { isTTY: true }
  const cases: [NodeJS.ProcessEnv, { isTTY?: boolean }, boolean][] = [
    [{}, tty, true],
    [{}, { isTTY: false }, false],
    [{}, {}, false],
    [{ CI: 'true' }, tty, false],
    [{ CI: '1' }, tty, false],
    [{ CI: 'false' }, tty, true],
    [{ CI: '' }, tty, true],
    [{ CI: '0' }, tty, true],
    [{ TERM: 'dumb' }, tty, false],
  ]
  for (const [env, stream, expected] of cases) assert.equal(shouldShowProgress(env, stream), expected, JSON.stringify([env, stream]))
})

test('a disabled progress bar writes nothing', () => {
  const original = process.stderr.write.bind(process.stderr)
  let written = ''
  process.stderr.write = ((chunk: string | Uint8Array) => { written += String(chunk); return true }) as typeof process.stderr.write
  try {
    const p = createProgress({ totalFiles: 3, totalBytes: 1000, enabled: false })
    p.update({ files: 1, bytes: 500, events: 10, alerts: 1 })
    p.stop()
  } finally {
    process.stderr.write = original
  }
  assert.equal(written, '')
})
