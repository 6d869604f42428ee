// Test support (not shipped logic) shared by the parser and printer tests.

/** Deep copy without `span` members, so trees can be compared (and expectations written) by shape alone. */
export function stripSpans(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripSpans)
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(x)) if (k !== 'span') out[k] = stripSpans(v)
    return out
  }
  return x
}
