// Differential-test helpers: run the reference decoders (Debian's `evtxexport` from libevtx-utils and
// python-evtx's `evtx_dump.py`), parse their XML leniently (python-evtx sometimes emits unbalanced tags),
// and reduce every record — theirs and ours — to one comparable, normalised shape.

import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export interface XmlNode {
  readonly name: string
  readonly attrs: Record<string, string>
  readonly children: XmlNode[]
  text: string
}

/** A record reduced to the fields the differential test compares, each value as normalised text. */
export interface Flat {
  readonly recordId: string
  readonly fields: Map<string, string>
}

const ENT: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function unescape(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16))
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10))
    return Object.hasOwn(ENT, e) ? ENT[e]! : m
  })
}

/** Lenient XML → every top-level <Event> element. Unmatched close tags pop to the nearest matching open tag. */
export function parseEvents(xml: string): XmlNode[] {
  const events: XmlNode[] = []
  const stack: XmlNode[] = []
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>/g
  const attr = /([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g
  let last = 0
  for (let m = tag.exec(xml); m !== null; m = tag.exec(xml)) {
    const top = stack[stack.length - 1]
    if (top !== undefined && m.index > last) top.text += unescape(xml.slice(last, m.index))
    last = tag.lastIndex
    if (m[5] !== undefined) { if (top !== undefined) top.text += m[5]; continue }
    if (m[2] === undefined) continue
    if (m[1] === '/') {
      const i = stack.map((n) => n.name).lastIndexOf(m[2])
      if (i >= 0) stack.length = i
      continue
    }
    const attrs: Record<string, string> = Object.create(null) as Record<string, string>
    for (let a = attr.exec(m[3] ?? ''); a !== null; a = attr.exec(m[3] ?? '')) attrs[a[1]!] = unescape(a[2] ?? a[3] ?? '')
    attr.lastIndex = 0
    const node: XmlNode = { name: m[2], attrs, children: [], text: '' }
    if (top !== undefined) top.children.push(node)
    else if (m[2] === 'Event') events.push(node)
    if (m[4] !== '/') {
      if (top === undefined && m[2] !== 'Event') continue
      stack.push(node)
    }
  }
  return events
}

// ---- normalisation (documented in src/ingest/evtx/README.md, "Differential testing") ----

const GUID = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/
const HEX = /^0x([0-9a-fA-F]+)$/
const TIME = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?Z?$/

/** Canonical text of a value: GUID upper-case with braces, hex without zero padding, booleans lower-case, LF. */
export function normalise(v: string): string {
  const s = v.replace(/\r\n/g, '\n').trim()
  const g = GUID.exec(s)
  if (g !== null) return '{' + g[1]!.toUpperCase() + '}'
  const h = HEX.exec(s)
  if (h !== null) return '0x' + (h[1]!.replace(/^0+(?=.)/, '').toLowerCase())
  if (s === 'True' || s === 'False') return s.toLowerCase()
  return s
}

/** Timestamps → microseconds since epoch (as a number) so rounding differences of ≤ 1 µs can be tolerated. */
export function timeMicros(v: string): number | undefined {
  const t = TIME.exec(v.trim())
  if (t === null) return undefined
  const ms = Date.parse(`${t[1]}T${t[2]}Z`)
  const frac = (t[3] ?? '').padEnd(7, '0').slice(0, 7)
  return ms * 1000 + Math.round(Number(frac) / 10)
}

function child(n: XmlNode | undefined, name: string): XmlNode | undefined {
  return n?.children.find((c) => c.name === name)
}

/** Flattens an oracle's <Event> the same way `flattenOurs` flattens our JSON. */
export function flattenXml(ev: XmlNode): Flat {
  const fields = new Map<string, string>()
  const sys = child(ev, 'System')
  // Repeated names (e.g. two `LogonGuid` in Windows 2008's 4648) join with LF, like our arrays.
  const put = (k: string, v: string | undefined): void => {
    const n = v === undefined ? '' : normalise(v)
    if (n === '') return
    const prev = fields.get(k)
    fields.set(k, prev === undefined ? n : prev + '\n' + n)
  }
  put('Provider.Name', child(sys, 'Provider')?.attrs['Name'])
  put('Provider.Guid', child(sys, 'Provider')?.attrs['Guid'])
  put('EventID', child(sys, 'EventID')?.text)
  put('EventID.Qualifiers', child(sys, 'EventID')?.attrs['Qualifiers'])
  for (const k of ['Version', 'Level', 'Task', 'Opcode', 'Keywords', 'Channel', 'Computer']) put(k, child(sys, k)?.text)
  put('TimeCreated', child(sys, 'TimeCreated')?.attrs['SystemTime'])
  put('Execution.ProcessID', child(sys, 'Execution')?.attrs['ProcessID'])
  put('Execution.ThreadID', child(sys, 'Execution')?.attrs['ThreadID'])
  put('Security.UserID', child(sys, 'Security')?.attrs['UserID'])
  const data = child(ev, 'EventData')
  let unnamed = 0
  for (const d of data?.children ?? []) {
    if (d.name === 'Data' && d.attrs['Name'] !== undefined) put('EventData.' + d.attrs['Name'], d.text)
    else if (d.name === 'Data') {
      // python-evtx prints a string-array substitution as `<string>a</string><string>b</string>` text; Windows
      // (and we) repeat the element instead, one unnamed Data per item.
      const items = /^\s*(<string>[\s\S]*?<\/string>\s*)+$/.test(d.text) ? [...d.text.matchAll(/<string>([\s\S]*?)<\/string>/g)].map((m) => m[1]!) : [d.text]
      for (const it of items) put(`EventData.Data[${unnamed++}]`, it)
    }
    else put('EventData.' + d.name, d.text)
  }
  for (const name of ['UserData', 'RenderingInfo']) {
    const n = child(ev, name)
    if (n !== undefined) flattenXmlTree(n, name, put)
  }
  return { recordId: (child(sys, 'EventRecordID')?.text ?? '').trim(), fields }
}

/** Generic tree flattening: `A/B` for elements (a `Data` element by its Name), `A/B@attr` for attributes. */
function flattenXmlTree(n: XmlNode, path: string, put: (k: string, v: string | undefined) => void): void {
  for (const [k, val] of Object.entries(n.attrs)) if (!(n.name === 'Data' && k === 'Name') && k !== 'xmlns') put(`${path}@${k}`, val)
  if (n.children.length === 0) put(path, n.text)
  else if (n.text.trim() !== '') put(`${path}#text`, n.text)
  for (const c of n.children) flattenXmlTree(c, `${path}/${c.name === 'Data' && c.attrs['Name'] !== undefined ? c.attrs['Name'] : c.name}`, put)
}

function flattenJsonTree(v: J, path: string, put: (k: string, v: J) => void, hasChildren: boolean): void {
  if (Array.isArray(v)) { for (const x of v) flattenJsonTree(x, path, put, hasChildren); return }
  if (typeof v !== 'object' || v === null) { put(hasChildren ? `${path}#text` : path, v); return }
  const o = v as Record<string, J>
  const kids = Object.keys(o).filter((k) => k !== '#attributes' && k !== '#text')
  for (const [k, val] of Object.entries((o['#attributes'] ?? {}) as Record<string, J>)) if (k !== 'xmlns') put(`${path}@${k}`, val)
  if (Object.hasOwn(o, '#text')) put(kids.length > 0 ? `${path}#text` : path, o['#text'])
  for (const k of kids) flattenJsonTree(o[k], `${path}/${k}`, put, false)
}

type J = unknown

function get(o: J, ...path: string[]): J {
  let cur = o
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, p)) return undefined
    cur = (cur as Record<string, J>)[p]
  }
  return cur
}

function text(v: J): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'object' && !Array.isArray(v)) return text(get(v, '#text'))
  if (Array.isArray(v)) return v.map((x) => text(x) ?? '').join('\n')
  return String(v)
}

/** Flattens our evtx_dump-shaped JSON record. Arrays (array substitutions) join with LF, as the oracles print. */
export function flattenOurs(raw: J): Flat {
  const fields = new Map<string, string>()
  const sys = get(raw, 'Event', 'System')
  const put = (k: string, v: J): void => {
    if (Array.isArray(v)) { const parts = v.map((x) => normalise(text(x) ?? '')).filter((x) => x !== ''); if (parts.length > 0) fields.set(k, parts.join('\n')); return }
    const t = text(v) === undefined ? '' : normalise(text(v)!)
    if (t !== '') fields.set(k, t)
  }
  put('Provider.Name', get(sys, 'Provider', '#attributes', 'Name'))
  put('Provider.Guid', get(sys, 'Provider', '#attributes', 'Guid'))
  put('EventID', get(sys, 'EventID'))
  put('EventID.Qualifiers', get(sys, 'EventID', '#attributes', 'Qualifiers'))
  for (const k of ['Version', 'Level', 'Task', 'Opcode', 'Keywords', 'Channel', 'Computer']) put(k, get(sys, k))
  put('TimeCreated', get(sys, 'TimeCreated', '#attributes', 'SystemTime'))
  put('Execution.ProcessID', get(sys, 'Execution', '#attributes', 'ProcessID'))
  put('Execution.ThreadID', get(sys, 'Execution', '#attributes', 'ThreadID'))
  put('Security.UserID', get(sys, 'Security', '#attributes', 'UserID'))
  const data = get(raw, 'Event', 'EventData')
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    for (const [k, v] of Object.entries(data)) {
      if (k === '#attributes') continue
      if (k === 'Data') {
        const list = Array.isArray(v) ? v : [v]
        list.forEach((x, i) => put(`EventData.Data[${i}]`, x))
      } else put('EventData.' + k, v)
    }
  }
  // Tree parts: repeated values join with LF, like the XML side.
  const add = (k: string, v: J): void => {
    const t = v === undefined || v === null ? '' : normalise(text(v) ?? '')
    if (t === '') return
    const prev = fields.get(k)
    fields.set(k, prev === undefined ? t : prev + '\n' + t)
  }
  for (const name of ['UserData', 'RenderingInfo']) {
    const n = get(raw, 'Event', name)
    if (n !== undefined) flattenJsonTree(n, name, add, false)
  }
  return { recordId: String(get(sys, 'EventRecordID') ?? ''), fields }
}

export interface Oracle {
  readonly name: string
  /** Why it cannot run here, or undefined when available. */
  readonly missing: string | undefined
  readonly run: (file: string) => string
}

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0
}

const PY = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'

export const evtxexport: Oracle = {
  name: 'evtxexport',
  missing: which('evtxexport') ? undefined : 'evtxexport not installed (apt-get install libevtx-utils)',
  run: (file) => spawnSync('evtxexport', ['-f', 'xml', file], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout,
}

function pythonEvtxScript(): string | undefined {
  for (const p of ['/usr/bin/evtx_dump.py', '/usr/local/bin/evtx_dump.py']) if (existsSync(p)) return p
  return undefined
}

export const pythonEvtx: Oracle = {
  name: 'python-evtx',
  missing: pythonEvtxScript() === undefined ? 'python-evtx not installed (apt-get install python3-evtx)' : undefined,
  run: (file) => spawnSync(PY, [pythonEvtxScript()!, file], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout,
}
