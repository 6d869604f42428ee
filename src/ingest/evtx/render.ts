// Node tree + substitution values → the evtx_dump JSON shape (see README.md "Output shape"):
// attributes under `#attributes`, text beside child elements under `#text`, text-only elements as their value,
// empty elements as null, repeated children as arrays, `<Data Name="X">v</Data>` as `X: v`.

import { EvtxError } from './errors.js'
import type { ContentNode, ElementNode, FragmentValue, Value } from './binxml.js'

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }
type Obj = { [key: string]: Json }

/**
 * Per-record rendering state: arrays made by repeated sibling elements (as opposed to array values from one
 * array substitution), and an element budget — a template can reference one nested-BinXml value many times,
 * so crafted input could otherwise expand exponentially.
 */
interface Repeats {
  readonly arrays: Set<Json[]>
  budget: number
}

const MAX_ELEMENTS_PER_RECORD = 100000

const OMIT = Symbol('omit')

function isFragment(v: Value | undefined): v is FragmentValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function textOf(v: Json): string {
  if (typeof v === 'string') return v
  if (Array.isArray(v)) return v.map((x) => textOf(x)).join(',')
  return v === null ? '' : String(v)
}

/** `__proto__` and friends are element names like any other: define, never assign through the prototype chain. */
function put(target: Obj, key: string, value: Json, repeats: Repeats): void {
  // Values are never undefined, so `undefined` here means "not an own key and not inherited" (the fast path).
  if (target[key] === undefined && key !== '__proto__') { target[key] = value; return }
  if (!Object.hasOwn(target, key)) {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
    return
  }
  const existing = target[key]!
  if (Array.isArray(existing) && repeats.arrays.has(existing)) { existing.push(value); return }
  const arr: Json[] = [existing, value]
  repeats.arrays.add(arr)
  Object.defineProperty(target, key, { value: arr, enumerable: true, writable: true, configurable: true })
}

/** An attribute's value, or OMIT when it is only NULL substitutions (Windows drops such attributes). */
function attrValue(parts: ElementNode['attrs'][number]['parts'], values: readonly Value[]): Json | typeof OMIT {
  if (parts.length === 1) {
    const p = parts[0]!
    if (typeof p === 'string') return p
    const v = values[p.index]
    if (v === undefined || v === null || isFragment(v)) return OMIT
    return v
  }
  let s = ''
  let any = false
  for (const p of parts) {
    if (typeof p === 'string') { s += p; any = true; continue }
    const v = values[p.index]
    if (v === undefined || v === null || isFragment(v)) continue
    s += textOf(v)
    any = true
  }
  return any ? s : OMIT
}

function addContent(target: Obj, nodes: readonly ContentNode[], values: readonly Value[], repeats: Repeats): void {
  for (const n of nodes) {
    if (typeof n === 'string') continue // text between top-level nodes (whitespace) has no place in the shape
    if (n.kind === 'element') addElement(target, n, values, repeats, false)
    else if (n.kind === 'instance') addElement(target, n.template, n.values, repeats, false)
    else {
      const v = values[n.index]
      if (isFragment(v)) addContent(target, v.nodes, [], repeats)
    }
  }
}

/** `plain`: the parent's keys are known distinct and ordinary (ElementNode.plainKeys), so assign directly. */
function addElement(target: Obj, el: ElementNode, values: readonly Value[], repeats: Repeats, plain: boolean): void {
  if (--repeats.budget < 0) throw new EvtxError(`record expands to more than ${MAX_ELEMENTS_PER_RECORD} elements`, -1)
  let attrs: Obj | null = null
  let key = el.name
  const isData = key === 'Data'
  for (const a of el.attrs) {
    const v = attrValue(a.parts, values)
    if (v === OMIT) continue
    if (isData && a.name === 'Name') { key = textOf(v); continue }
    if (attrs === null) attrs = {}
    if (el.plainAttrs) attrs[a.name] = v
    else put(attrs, a.name, v, repeats)
  }

  let children: Obj | null = null
  let text: Json | undefined
  let textCount = 0
  for (const n of el.content) {
    let v: Json
    if (typeof n === 'string') v = n
    else if (n.kind === 'subst') {
      const sv = values[n.index]
      // An empty array renders one empty element (libyal), i.e. no content.
      if (sv === undefined || sv === null || (Array.isArray(sv) && sv.length === 0)) continue
      if (isFragment(sv)) {
        children ??= attrs === null ? {} : { '#attributes': attrs }
        addContent(children, sv.nodes, [], repeats)
        continue
      }
      v = sv
    } else {
      children ??= attrs === null ? {} : { '#attributes': attrs }
      if (n.kind === 'element') addElement(children, n, values, repeats, el.plainChildren)
      else addElement(children, n.template, n.values, repeats, false)
      continue
    }
    text = textCount === 0 ? v : textOf(text!) + textOf(v)
    textCount++
  }
  if (text === '') text = undefined

  let value: Json
  if (children !== null) {
    if (text !== undefined) put(children, '#text', text, repeats)
    value = children
  } else if (attrs !== null) {
    value = text === undefined ? { '#attributes': attrs } : { '#attributes': attrs, '#text': text }
  } else {
    value = text === undefined ? null : text
  }
  if (plain) target[key] = value
  else put(target, key, value, repeats)
}

/** Renders one record's decoded BinXml into `{Event: {...}}` (or whatever its root element is called). */
export function renderRecord(nodes: readonly ContentNode[]): Obj {
  const out: Obj = {}
  addContent(out, nodes, [], { arrays: new Set(), budget: MAX_ELEMENTS_PER_RECORD })
  return out
}
