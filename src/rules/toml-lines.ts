// Where a key sits in a TOML text. smol-toml reports positions only for syntax errors; schema errors carry
// a path (`rule.threat[0].tactic.id`), so this scans the text once and maps each table and key path to its
// line. It understands what rule files use: `[table]`, `[[array.of.tables]]` (indices counted per parent),
// dotted and quoted keys, and multi-line strings (skipped).

export interface KeyPosition { readonly line: number; readonly column: number }

/** Map from a path key (segments joined by '\u0000', array indices as numbers) to where it is written. */
export interface TomlLines {
  /** Position of the longest written prefix of `path`, and whether the whole path was found. */
  locate(path: readonly (string | number)[]): { readonly position: KeyPosition; readonly isExact: boolean } | null
  /** 1-based line where the string value of `path` starts (after a multi-line opener's newline). */
  valueStart(path: readonly (string | number)[]): { readonly line: number; readonly column: number; readonly isLiteral: boolean } | null
}

const SEP = '\u0000'
const join = (path: readonly (string | number)[]): string => path.map(String).join(SEP)

/** A TomlLines that scans the text only when first asked (most files never have an error to place). */
export function lazyTomlLines(text: string): TomlLines {
  let index: TomlLines | null = null
  const get = (): TomlLines => (index ??= indexTomlLines(text))
  return { locate: (path) => get().locate(path), valueStart: (path) => get().valueStart(path) }
}

/** Index the keys of a TOML text by path. Never throws: unknown syntax is skipped. */
export function indexTomlLines(text: string): TomlLines {
  const positions = new Map<string, KeyPosition>()
  const values = new Map<string, { line: number; column: number; isLiteral: boolean }>()
  const arrayCounts = new Map<string, number>()
  let table: (string | number)[] = []
  const lines = text.split('\n')
  let openString: string | null = null

  const resolve = (segments: readonly string[], isArrayHeader: boolean): (string | number)[] => {
    const out: (string | number)[] = []
    segments.forEach((seg, i) => {
      out.push(seg)
      const key = join(out)
      const isLast = i === segments.length - 1
      if (isLast && isArrayHeader) {
        const n = arrayCounts.get(key) ?? 0
        arrayCounts.set(key, n + 1)
        out.push(n)
      } else if (arrayCounts.has(key)) {
        out.push((arrayCounts.get(key) ?? 1) - 1)
      }
    })
    return out
  }

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? ''
    const lineNo = i + 1
    if (openString !== null) {
      openString = scanStrings(raw, openString)
      continue
    }
    const trimmed = raw.trimStart()
    const indent = raw.length - trimmed.length
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?/.exec(trimmed)
    if (header && trimmed.startsWith('[')) {
      const isArray = trimmed.startsWith('[[')
      table = resolve(splitKey(header[1] ?? ''), isArray)
      const key = join(table)
      if (!positions.has(key)) positions.set(key, { line: lineNo, column: indent + 1 })
      if (isArray) positions.set(join(table.slice(0, -1)), positions.get(join(table.slice(0, -1))) ?? { line: lineNo, column: indent + 1 })
      continue
    }
    const eq = findAssignment(trimmed)
    if (eq < 0) { openString = scanStrings(trimmed, null); continue }
    const keyPath = [...table, ...splitKey(trimmed.slice(0, eq))]
    positions.set(join(keyPath), { line: lineNo, column: indent + 1 })
    const rest = trimmed.slice(eq + 1)
    const valueOffset = rest.length - rest.trimStart().length
    const value = rest.trimStart()
    const valueColumn = indent + eq + 1 + valueOffset + 1
    for (const opener of ["'''", '"""']) {
      if (value.startsWith(opener)) {
        const after = value.slice(3)
        const isLiteral = opener === "'''"
        if (!after.includes(opener)) {
          // TOML drops a newline right after the opening delimiter.
          values.set(join(keyPath), after.trim() === ''
            ? { line: lineNo + 1, column: 1, isLiteral }
            : { line: lineNo, column: valueColumn + 3, isLiteral })
        } else {
          values.set(join(keyPath), { line: lineNo, column: valueColumn + 3, isLiteral })
        }
        break
      }
    }
    if (!values.has(join(keyPath)) && (value.startsWith('"') || value.startsWith("'"))) {
      values.set(join(keyPath), { line: lineNo, column: valueColumn + 1, isLiteral: value.startsWith("'") })
    }
    openString = scanStrings(rest, null)
  }

  return {
    locate(path) {
      for (let n = path.length; n >= 0; n--) {
        const pos = positions.get(join(path.slice(0, n)))
        if (pos) return { position: pos, isExact: n === path.length }
      }
      return null
    },
    valueStart(path) {
      return values.get(join(path)) ?? null
    },
  }
}

/** Split `a."b.c".d` into segments. */
function splitKey(key: string): string[] {
  const out: string[] = []
  let cur = ''
  let quote: string | null = null
  for (const ch of key.trim()) {
    if (quote) {
      if (ch === quote) quote = null
      else cur += ch
    } else if (ch === '"' || ch === "'") {
      quote = ch
    } else if (ch === '.') {
      out.push(cur.trim())
      cur = ''
    } else {
      cur += ch
    }
  }
  out.push(cur.trim())
  return out
}

/** Offset of the `=` of a `key = value` line, outside quoted keys; -1 when the line is no assignment. */
function findAssignment(line: string): number {
  let quote: string | null = null
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quote) { if (ch === quote) quote = null; continue }
    if (ch === '"' || ch === "'") { quote = ch; continue }
    if (ch === '=') return i
    if (ch === '#' || ch === '[' || ch === '{') return -1
  }
  return -1
}

/**
 * Follow string state across one line: returns the multi-line delimiter (`"""` or `'''`) still open at the
 * end of the line, or null. `open` is the delimiter open at the start of the line.
 */
function scanStrings(line: string, open: string | null): string | null {
  let i = 0
  let state = open
  while (i < line.length) {
    if (state !== null) {
      const close = line.indexOf(state, i)
      if (close < 0) return state
      if (state === '"""' && isEscaped(line, close)) { i = close + 1; continue }
      i = close + 3
      // A closing delimiter may be followed by up to two more quotes that belong to the string.
      while (line[i] === state[0]) i++
      state = null
      continue
    }
    const ch = line[i]
    if (ch === '#') return null
    if (ch === '"' || ch === "'") {
      if (line.startsWith(ch.repeat(3), i)) { state = ch.repeat(3); i += 3; continue }
      // single-line string: skip to its end
      let j = i + 1
      while (j < line.length && line[j] !== ch) j += ch === '"' && line[j] === '\\' ? 2 : 1
      i = j + 1
      continue
    }
    i++
  }
  return state
}

function isEscaped(line: string, at: number): boolean {
  let n = 0
  for (let k = at - 1; k >= 0 && line[k] === '\\'; k--) n++
  return n % 2 === 1
}
