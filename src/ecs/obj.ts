// Building objects whose keys come from input. Plain objects stay fast (V8 keeps them in fast mode);
// the one key that plain assignment would misread, `__proto__`, is defined as an own data property.

export type Obj = Record<string, unknown>

export const isObject = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Sets an own enumerable property, even for `__proto__`. */
export function setOwn(o: Obj, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    o[key] = value
  }
}

/** Reads an own property only (never the prototype chain). */
export function own(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined
}

/** `o[a][b]…` through own properties of objects. */
export function ownPath(o: unknown, ...keys: string[]): unknown {
  let cur: unknown = o
  for (const k of keys) {
    if (!isObject(cur) || !Object.hasOwn(cur, k)) return undefined
    cur = cur[k]
  }
  return cur
}

/** A shallow copy of `o` (own enumerable keys), safe for `__proto__` keys. */
export function copyOwn(o: Obj): Obj {
  const out: Obj = {}
  for (const k of Object.keys(o)) setOwn(out, k, o[k])
  return out
}
