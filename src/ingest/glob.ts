// Include/exclude globs for directory inputs: `*` and `?` within one path segment, `**` across
// segments, `[abc]`/`[a-z]`/`[!a]` classes, `{a,b}` alternatives. A pattern without `/` is matched
// against the file name only (as .gitignore and ripgrep do). No regexes: segments are matched with
// the two-pointer wildcard algorithm and `**` with a table over segments, so time is bounded by
// pattern length × path length (node:path matchesGlob is still experimental on Node 20).

export type GlobMatcher = (relativePath: string) => boolean

/** Compiles globs into one matcher that is true when any of them matches. */
export function compileGlobs(patterns: readonly string[]): GlobMatcher {
  const compiled = patterns.flatMap(expandBraces).map(compileOne)
  return (path) => {
    const normalized = path.replaceAll('\\', '/')
    const segments = normalized.split('/').filter((s) => s !== '')
    const base = segments[segments.length - 1] ?? ''
    return compiled.some((g) => (g.isBasename ? matchSegment(g.segments[0]!, base) : matchSegments(g.segments, segments)))
  }
}

interface CompiledGlob {
  readonly isBasename: boolean
  readonly segments: readonly string[]
}

function compileOne(pattern: string): CompiledGlob {
  const p = pattern.replaceAll('\\', '/').replace(/^\.\//, '')
  const segments = p.split('/').filter((s) => s !== '')
  return { isBasename: !p.includes('/'), segments: segments.length === 0 ? ['**'] : segments }
}

/** `{a,b}` → alternatives (nesting allowed; capped so a hostile pattern cannot explode). */
function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{')
  if (open === -1) return [pattern]
  let depth = 0
  const commas: number[] = []
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '{') depth++
    else if (c === '}') {
      depth--
      if (depth === 0) {
        const head = pattern.slice(0, open)
        const tail = pattern.slice(i + 1)
        const bounds = [open, ...commas, i]
        const out: string[] = []
        for (let k = 0; k + 1 < bounds.length; k++) {
          for (const alt of expandBraces(head + pattern.slice(bounds[k]! + 1, bounds[k + 1]) + tail)) {
            if (out.length < 256) out.push(alt)
          }
        }
        return out
      }
    } else if (c === ',' && depth === 1) commas.push(i)
  }
  return [pattern] // unbalanced: literal
}

/** `**` matches zero or more whole segments. */
function matchSegments(pattern: readonly string[], path: readonly string[]): boolean {
  // reachable[j]: the pattern prefix consumed so far can end right before path[j].
  let reachable = new Array<boolean>(path.length + 1).fill(false)
  reachable[0] = true
  for (const seg of pattern) {
    const next = new Array<boolean>(path.length + 1).fill(false)
    if (seg === '**') {
      let any = false
      for (let j = 0; j <= path.length; j++) {
        any = any || reachable[j]!
        next[j] = any
      }
    } else {
      for (let j = 0; j < path.length; j++) if (reachable[j] && matchSegment(seg, path[j]!)) next[j + 1] = true
    }
    reachable = next
  }
  return reachable[path.length]!
}

/** One segment: `*`, `?`, classes; greedy with a single backtrack point, O(pattern × text). */
export function matchSegment(pattern: string, text: string): boolean {
  let p = 0
  let t = 0
  let starP = -1
  let starT = 0
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '*') {
      starP = ++p
      starT = t
      continue
    }
    if (p < pattern.length) {
      const step = matchOne(pattern, p, text[t]!)
      if (step > 0) {
        p += step
        t++
        continue
      }
    }
    if (starP === -1) return false
    p = starP
    t = ++starT
  }
  while (p < pattern.length && pattern[p] === '*') p++
  return p === pattern.length
}

/** Length of the pattern item at `p` if it matches `c`, else 0. */
function matchOne(pattern: string, p: number, c: string): number {
  const pc = pattern[p]!
  if (pc === '?') return 1
  if (pc === '[') {
    const close = pattern.indexOf(']', p + 2)
    if (close !== -1) {
      let i = p + 1
      const negate = pattern[i] === '!' || pattern[i] === '^'
      if (negate) i++
      let hit = false
      for (; i < close; i++) {
        if (pattern[i + 1] === '-' && i + 2 < close) {
          if (c >= pattern[i]! && c <= pattern[i + 2]!) hit = true
          i += 2
        } else if (pattern[i] === c) hit = true
      }
      return hit !== negate ? close - p + 1 : 0
    }
  }
  return pc === c ? 1 : 0
}
