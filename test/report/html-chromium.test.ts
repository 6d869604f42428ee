// The HTML report in a real Chromium: it opens from file:// with no network, lists every alert, draws the
// timeline, its filter script runs under the report's own CSP, and nothing is logged to the console.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { vigil } from '../cli/run.js'
import { renderHtml } from '../../src/report/index.js'
import { sampleReport } from '../../src/report/fixtures.test-helpers.js'

const CHROMIUM = '/usr/bin/chromium'
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']

async function openReport(file: string) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  const page = await browser.newPage()
  const problems: string[] = []
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`) })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('request', (r) => { if (!r.url().startsWith('file:')) problems.push(`network request: ${r.url()}`) })
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
  return { browser, page, problems }
}

test('hunt --format html opens offline in Chromium and lists the alerts', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-html-'))
  const file = join(dir, 'report.html')
  const r = await vigil(['hunt', 'samples/', '--format', 'html', '-o', file, '--no-summary'])
  assert.equal(r.code, 1, r.stderr)
  const { browser, page, problems } = await openReport(file)
  try {
    assert.match(await page.title(), /vigil hunt report — 5 alerts/)
    const rows = page.locator('#alerts tbody tr')
    assert.equal(await rows.count(), 5)
    const text = await page.locator('#alerts').innerText()
    for (const s of ['Incoming Execution via WinRM Remote Shell', 'WMIC Remote Command', 'SRV01.corp.example', 'srv02.corp.example', 'SRV03', 'WS01.corp.example', 'CORP\\mallory']) {
      assert.ok(text.includes(s), `alerts table mentions ${s}`)
    }
    assert.equal(await page.locator('#alerts tbody tr[data-severity="high"]').count(), 2)
    assert.equal((await page.locator('#count-high b').innerText()).trim(), '2')
    assert.equal((await page.locator('#count-total b').innerText()).trim(), '5')
    assert.equal(await page.locator('#timeline circle').count(), 5, 'one dot per alert on the per-host timeline')
    assert.equal(await page.locator('section.rule').count(), 2, 'a guide for each rule that fired')
    assert.ok((await page.locator('section.rule h5').allInnerTexts()).includes('Goal'))
    // The filter script runs (so the CSP hash is right): hide low, then search.
    await page.locator('input[data-sev="low"]').uncheck()
    assert.equal((await page.locator('#shown').innerText()).trim(), '3')
    await page.locator('#q').fill('srv03')
    assert.equal((await page.locator('#shown').innerText()).trim(), '1')
    assert.equal(await page.locator('#alerts tbody tr:not(.hidden)').count(), 1)
    const data = JSON.parse(await page.locator('#vigil-alerts').textContent() ?? '[]') as unknown[]
    assert.equal(data.length, 11, 'every alert document is embedded as JSON')
    assert.deepEqual(problems, [])
  } finally {
    await browser.close()
  }
})

test('hostile event text stays text in the browser: no script runs, no markup injected', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-html-'))
  const file = join(dir, 'hostile.html')
  const input = sampleReport()
  writeFileSync(file, renderHtml(input))
  const { browser, page, problems } = await openReport(file)
  try {
    const injected = await page.evaluate(() => ({
      scripts: document.scripts.length,
      dialogs: (globalThis as unknown as { __alerted?: boolean }).__alerted === true,
      links: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href') ?? ''),
    }))
    assert.equal(injected.scripts, 2, 'only the data block and the report script')
    assert.ok(injected.links.every((h) => h.startsWith('#') || /^https?:\/\//.test(h)), injected.links.join(' '))
    const what = await page.locator('#alerts tbody tr[data-severity="low"] td.what').innerText()
    assert.ok(what.includes('</script><script>alert(1)</script>'), 'shown as text')
    assert.deepEqual(problems, [])
  } finally {
    await browser.close()
  }
})
