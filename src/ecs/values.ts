// Rendering raw Windows values the way Windows/Winlogbeat render them (strings), and the value rules
// every source shares (reference §2, §8): empty, `-` and zero-GUID values count as absent.
import { isObject, own } from './obj.js'

/** A scalar as Windows renders it: numbers in decimal, booleans `true`/`false`; `{"#text": v}` unwrapped. */
export function renderValue(v: unknown, depth = 0): string | undefined {
  switch (typeof v) {
    case 'string': return v
    case 'number': return Number.isFinite(v) ? String(v) : undefined
    case 'boolean': return v ? 'true' : 'false'
    case 'bigint': return String(v)
    case 'object': {
      if (v === null) return undefined
      if (Array.isArray(v)) {
        const parts: string[] = []
        // Multi-valued data are flat lists; nesting beyond a few levels is rendered as JSON (or dropped).
        for (const x of v) { const s = depth < 4 ? renderValue(x, depth + 1) : stringifySafe(x); if (s !== undefined) parts.push(s) }
        return parts.length > 0 ? parts.join('\n') : undefined
      }
      const text = own(v as Record<string, unknown>, '#text')
      if (text !== undefined) return depth < 4 ? renderValue(text, depth + 1) : stringifySafe(text)
      if (isObject(v) && Object.keys(v).length === 0) return undefined
      // Hostile input can nest deeper than JSON.stringify's recursion allows: such a value is unusable, not fatal.
      return stringifySafe(v)
    }
    default: return undefined
  }
}

const ZERO_GUID = '00000000-0000-0000-0000-000000000000'

/** Elastic's Sysmon pipeline deletes these before mapping: null, "", "-" and the zero GUID. */
export function isAbsent(s: string): boolean {
  if (s.length === 0) return true
  if (s.length === 1) return s === '-'
  if (s.length === 38) return s.charCodeAt(0) === 123 && s.slice(1, 37) === ZERO_GUID
  return s.length === 36 && s === ZERO_GUID
}

/** A number from decimal or `0x…` hex text (pids, logon ids), or a JSON number. */
export function toInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined
  if (typeof v !== 'string' || v.length === 0) return undefined
  return parseIntText(v)
}

/** `true`/`false` in any case, or a JSON boolean (reference §4: python-evtx writes `True`). */
export function toBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v
  if (typeof v !== 'string') return undefined
  const s = v.trim().toLowerCase()
  return s === 'true' ? true : s === 'false' ? false : undefined
}

/** The part after the last `\` (Elastic's basename rule: nothing when there is no `\`). */
export function windowsBasename(path: string): string | undefined {
  const i = lastIndexOfChar(path, 92 /* \\ */)
  if (i < 0) return undefined
  const name = path.slice(i + 1)
  return name.length > 0 ? name : undefined
}

/** `s.lastIndexOf(char)` for one UTF-16 code: an inlinable loop (lastIndexOf is a slower runtime call). */
export function lastIndexOfChar(s: string, code: number, from = s.length - 1): number {
  for (let i = from; i >= 0; i--) if (s.charCodeAt(i) === code) return i
  return -1
}

export function parseIntText(text: string): number | undefined {
  const s = text.trim()
  let n: number
  if (s.length > 2 && s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 32) === 120) {
    if (!/^0[xX][0-9a-fA-F]{1,13}$/.test(s)) return undefined
    n = parseInt(s.slice(2), 16)
  } else {
    if (!/^[+-]?\d{1,16}$/.test(s)) return undefined
    n = Number(s)
  }
  return Number.isSafeInteger(n) ? n : undefined
}

/** JSON text of a value, or undefined when it cannot be rendered (too deep for the recursion limit). */
function stringifySafe(v: unknown): string | undefined {
  try { return JSON.stringify(v) } catch { return undefined }
}
