// Reading an ECS field from an event, whether the document is nested (`{"process":{"name":…}}`) or uses
// dotted keys (`{"process.name": …}`), and flattening multi-valued fields, as Elasticsearch does.

/** The raw value at a dotted path, or undefined. Only own properties are read (`__proto__` is data). */
export function readField(doc: unknown, path: string): unknown {
  return readParts(doc, path.split('.'), 0)
}

function readParts(node: unknown, parts: readonly string[], from: number): unknown {
  if (from === parts.length) return node
  if (node === null || typeof node !== 'object') return undefined
  if (Array.isArray(node)) {
    // An array of objects: the field is multi-valued, collect it from every element.
    const out: unknown[] = []
    for (const el of node) {
      const v = readParts(el, parts, from)
      if (v === undefined || v === null) continue
      if (Array.isArray(v)) out.push(...v)
      else out.push(v)
    }
    return out.length === 0 ? undefined : out
  }
  const obj = node as { readonly [k: string]: unknown }
  for (let end = parts.length; end > from; end--) {
    const key = end === from + 1 ? (parts[from] ?? '') : parts.slice(from, end).join('.')
    if (!Object.hasOwn(obj, key)) continue
    const found = readParts(obj[key], parts, end)
    if (found !== undefined) return found
  }
  return undefined
}

export type FieldScalar = string | number | boolean

/** Every non-null scalar value of a field (arrays flattened); empty when the field is absent or null. */
export function fieldValues(doc: unknown, path: string): FieldScalar[] {
  const out: FieldScalar[] = []
  const visit = (v: unknown): void => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.push(v)
    else if (Array.isArray(v)) for (const x of v) visit(x)
  }
  visit(readField(doc, path))
  return out
}
