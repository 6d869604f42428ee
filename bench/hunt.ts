// End-to-end `vigil hunt` over an ECS NDJSON file: readers → ECS → time merge → reorder → rule set → alerts
// (NDJSON report to /dev/null), with the bundled rules or N generated rules. Each measurement runs in a
// fresh child process so its peak RSS is its own and earlier benchmarks do not warm or bloat it.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeGeneratedRules } from './rulegen.js'

export interface HuntFigure {
  readonly events: number
  readonly seconds: number
  readonly alerts: number
  readonly peakRssBytes: number
}

const HERE = dirname(fileURLToPath(import.meta.url))

export async function benchHunt(ndjsonPath: string, opts: { rules: 'bundled' | number }): Promise<HuntFigure> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'hunt.ts'), '--child', resolve(ndjsonPath), String(opts.rules)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CI: 'true' },
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
    child.on('error', reject)
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? ''
      if (code !== 0) { reject(new Error(`bench child exited ${code}: ${out}`)); return }
      try { resolvePromise(JSON.parse(line) as HuntFigure) } catch (e) { reject(new Error(`bad bench output: ${out}`)) }
    })
  })
}

async function child(path: string, rules: string): Promise<void> {
  const { hunt } = await import('../src/cli/hunt.js')
  let dir: string | undefined
  try {
    const opts = rules === 'bundled'
      ? {}
      : { bundledRules: false, rules: [writeGeneratedRules((dir = mkdtempSync(join(tmpdir(), 'vigil-bench-rules-'))), Number(rules))] }
    const r = await hunt([path], { ...opts, format: 'ndjson', output: '/dev/null', summary: false, progress: false, exitCode: false })
    const figure: HuntFigure = { events: r.events, seconds: r.seconds, alerts: r.alerts, peakRssBytes: process.resourceUsage().maxRSS * 1024 }
    process.stdout.write(JSON.stringify(figure) + '\n')
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4])
