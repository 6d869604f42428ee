// Ordering of Elasticsearch `version` fields: Semantic Versioning precedence with any number of main
// parts ("1.2", "1.2.3.4"); a pre-release sorts before its release; strings that are not valid
// versions ("bad", "1.2.alpha.4") are still indexed and sort after every valid version, by text.

interface ParsedVersion {
  readonly main: readonly number[]
  readonly pre: readonly (number | string)[] | null
  readonly build: string
}

const VERSION = /^(0|[1-9]\d*)((?:\.(?:0|[1-9]\d*))*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/

function parseVersion(s: string): ParsedVersion | null {
  const m = VERSION.exec(s)
  if (m === null) return null
  const main = [Number(m[1]), ...(m[2] ? m[2].slice(1).split('.').map(Number) : [])]
  let pre: (number | string)[] | null = null
  if (m[3] !== undefined) {
    pre = []
    for (const id of m[3].split('.')) {
      if (/^\d+$/.test(id)) {
        if (id.length > 1 && id.startsWith('0')) return null // semver: numeric identifiers have no leading zeros
        pre.push(Number(id))
      } else pre.push(id)
    }
  }
  return { main, pre, build: m[4] ?? '' }
}

/** Compares two version strings the way a `version` field sorts them. */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0
  const va = parseVersion(a), vb = parseVersion(b)
  if (va === null || vb === null) {
    if (va !== null) return -1
    if (vb !== null) return 1
    return a < b ? -1 : 1
  }
  const n = Math.max(va.main.length, vb.main.length)
  for (let i = 0; i < n; i++) {
    const x = va.main[i], y = vb.main[i]
    if (x === undefined) return -1 // "1.2" < "1.2.0"
    if (y === undefined) return 1
    if (x !== y) return x - y
  }
  if (va.pre === null || vb.pre === null) {
    if (va.pre !== vb.pre) return va.pre === null ? 1 : -1
  } else {
    const m = Math.max(va.pre.length, vb.pre.length)
    for (let i = 0; i < m; i++) {
      const x = va.pre[i], y = vb.pre[i]
      if (x === undefined) return -1
      if (y === undefined) return 1
      if (x === y) continue
      if (typeof x === 'number' && typeof y === 'number') return x - y
      if (typeof x === 'number') return -1 // numeric identifiers sort before alphanumeric ones
      if (typeof y === 'number') return 1
      return x < y ? -1 : 1
    }
  }
  // build metadata does not change precedence; order by it only to keep the sort total
  return va.build === vb.build ? 0 : va.build < vb.build ? -1 : 1
}
