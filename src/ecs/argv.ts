// The two `process.args` splitters Elastic uses, chosen per source (reference §7).

/**
 * CommandLineToArgvW as ported by Go and by Elastic's Sysmon pipeline: space/tab separate arguments,
 * 2n backslashes + `"` → n backslashes and a quote toggle, 2n+1 → n backslashes and a literal `"`,
 * and inside quotes `""` is a literal `"` that also ends quoting (the pre-2008 rule). Quotes are removed.
 */
export function splitArgvW(cmd: string): string[] {
  const args: string[] = []
  const n = cmd.length
  let i = 0
  while (i < n) {
    const c0 = cmd.charCodeAt(i)
    if (c0 === 32 || c0 === 9) { i++; continue }
    let arg = ''
    let inQuote = false
    for (; i < n; i++) {
      const c = cmd.charCodeAt(i)
      if ((c === 32 || c === 9) && !inQuote) break
      let slashes = 0
      if (c === 92) {
        let k = i + 1
        while (k < n && cmd.charCodeAt(k) === 92) k++
        // Only backslashes right before a quote are special; any others are copied with the run below.
        if (k < n && cmd.charCodeAt(k) === 34) { slashes = k - i; i = k }
      }
      if (cmd.charCodeAt(i) === 34) {
        if (slashes > 1) arg += '\\'.repeat(slashes >> 1)
        if ((slashes & 1) === 0) {
          if (inQuote && i + 1 < n && cmd.charCodeAt(i + 1) === 34) {
            arg += '"'
            i++
          }
          inQuote = !inQuote
        } else {
          arg += '"'
        }
        continue
      }
      // Copy the run of ordinary characters (paths' backslashes included) in one slice, not char by char.
      let j = i + 1
      while (j < n) {
        const d = cmd.charCodeAt(j)
        if (d === 34 || d === 32 || d === 9) break
        if (d === 92) {
          let k = j + 1
          while (k < n && cmd.charCodeAt(k) === 92) k++
          if (k < n && cmd.charCodeAt(k) === 34) break
          j = k
          continue
        }
        j++
      }
      arg += cmd.slice(i, j)
      i = j - 1
    }
    args.push(arg)
    if (i < n) i++ // the separator that ended the argument
  }
  return args
}

// Java's Character.isWhitespace for the characters a command line can hold: Unicode space separators
// except the no-break ones, plus \t \n \v \f \r and the information separators U+001C–U+001F.
function isJavaWhitespace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13) || (c >= 28 && c <= 31)
  if (c < 0x1680) return false
  if (c === 0x1680 || c === 0x2028 || c === 0x2029 || c === 0x205f || c === 0x3000) return true
  return c >= 0x2000 && c <= 0x200a && c !== 0x2007
}

/**
 * The naive split of Elastic Agent's `system.security` pipeline for 4688: a `"` toggles quoting,
 * whitespace outside quotes ends an argument. Quotes are kept, repeated whitespace gives empty
 * arguments and trailing whitespace a trailing `""`.
 */
export function splitNaive(cmd: string): string[] {
  const args: string[] = []
  const n = cmd.length
  let start = 0
  let inQuote = false
  for (let i = 0; i < n; i++) {
    const c = cmd.charCodeAt(i)
    if (c === 34) inQuote = !inQuote
    if (!inQuote && isJavaWhitespace(c)) {
      args.push(cmd.slice(start, i))
      start = i + 1
    }
    if (i === n - 1) args.push(cmd.slice(start, i + 1))
  }
  return args
}
