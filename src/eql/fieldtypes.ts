// Field types: events carry no mapping, but EQL semantics depend on it (ip and date comparisons,
// version ordering, numbers stored as strings, keyword vs text, aliases, `null_value`). The engine
// takes a table of ECS defaults, optionally overridden by an Elasticsearch mapping.
import type { Scalar } from './value.js'
import { ECS_FIELD_TYPES } from './ecs-field-types.js'

/** How a field behaves in comparisons; `esType` keeps the mapping's own name. */
export type FieldKind =
  | 'keyword' | 'text' | 'long' | 'double' | 'boolean' | 'ip' | 'date' | 'version' | 'alias' | 'object' | 'other'

export interface FieldType {
  readonly kind: FieldKind
  /** The Elasticsearch type as written (`wildcard`, `integer`, `match_only_text`, …). */
  readonly esType: string
  /** `type: alias`: the field it points to. */
  readonly aliasPath?: string
  /** `null_value`: what an explicit JSON null is indexed as. */
  readonly nullValue?: Scalar
  /** `ignore_above`: longer strings are not indexed, so they never match. */
  readonly ignoreAbove?: number
  /** Date `format` (Java patterns and built-in names joined by `||`). */
  readonly format?: string
}

/** Dotted field name → type. */
export type FieldTypes = ReadonlyMap<string, FieldType>

/** Maps an Elasticsearch field type to the behaviour EQL gives it. */
export function kindOf(esType: string): FieldKind {
  switch (esType) {
    case 'keyword': case 'constant_keyword': case 'wildcard': return 'keyword'
    case 'text': case 'match_only_text': return 'text'
    case 'long': case 'integer': case 'short': case 'byte': case 'unsigned_long': return 'long'
    case 'double': case 'float': case 'half_float': case 'scaled_float': return 'double'
    case 'boolean': return 'boolean'
    case 'ip': return 'ip'
    case 'date': case 'date_nanos': return 'date'
    case 'version': return 'version'
    case 'alias': return 'alias'
    case 'object': case 'nested': case 'flattened': return 'object'
    default: return 'other'
  }
}

/** The built-in ECS types for the fields Windows detections use. */
export function defaultFieldTypes(): FieldTypes {
  const out = new Map<string, FieldType>()
  for (const [esType, names] of Object.entries(ECS_FIELD_TYPES)) {
    for (const name of names) out.set(name, { kind: kindOf(esType), esType })
  }
  return out
}

/** `override` wins field by field (a mapping refines the ECS defaults). */
export function mergeFieldTypes(base: FieldTypes, override: FieldTypes): FieldTypes {
  const out = new Map(base)
  for (const [k, v] of override) out.set(k, v)
  return out
}

/** Follows an alias to the field that holds the data. */
export function resolveField(types: FieldTypes, name: string): { readonly path: string; readonly type: FieldType | undefined } {
  const t = types.get(name)
  if (t?.kind === 'alias' && t.aliasPath !== undefined) return { path: t.aliasPath, type: types.get(t.aliasPath) }
  return { path: name, type: t }
}

export interface MappingProblem {
  /** Where in the mapping (`properties.event.properties.category`), or `line 3:5` for JSON syntax. */
  readonly at: string
  readonly message: string
}

export type MappingResult =
  | { readonly ok: true; readonly value: FieldTypes }
  | { readonly ok: false; readonly errors: readonly MappingProblem[] }

/**
 * Reads an Elasticsearch mapping: `{"properties": …}`, `{"mappings": {"properties": …}}` or a
 * GET _mapping response (`{"index": {"mappings": …}}`). Sub-fields (`fields`) become `name.sub`.
 */
export function parseMapping(json: unknown): MappingResult {
  const errors: MappingProblem[] = []
  const out = new Map<string, FieldType>()
  const root = findProperties(json)
  if (root === undefined) return { ok: false, errors: [{ at: '$', message: 'expected an object with "properties" or "mappings"' }] }
  walkProperties(root.props, '', root.at, out, errors)
  for (const [name, t] of out) {
    if (t.kind !== 'alias') continue
    if (t.aliasPath === undefined) errors.push({ at: name, message: `alias [${name}] has no "path"` })
    else if (!out.has(t.aliasPath)) errors.push({ at: name, message: `alias [${name}] points to unmapped field [${t.aliasPath}]` })
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: out }
}

/**
 * Reads mapping text as the Elasticsearch test fixtures write it: lines starting with `#` are
 * comments and `[runtime_random_keyword_type]` stands for a keyword type.
 */
export function parseMappingText(text: string): MappingResult {
  const cleaned = text
    .split('\n')
    .map((line) => (line.trimStart().startsWith('#') ? '' : line))
    .join('\n')
    .replaceAll('[runtime_random_keyword_type]', 'keyword')
  let json: unknown
  try {
    json = JSON.parse(cleaned)
  } catch (err) {
    return { ok: false, errors: [{ at: jsonErrorPosition(cleaned, (err as Error).message), message: (err as Error).message }] }
  }
  return parseMapping(json)
}

function jsonErrorPosition(text: string, message: string): string {
  const m = /position (\d+)/.exec(message)
  const offset = m !== null ? Number(m[1]) : firstJsonErrorOffset(text)
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return `line ${line}:${offset - (before.lastIndexOf('\n') + 1) + 1}`
}

/** Offset of the first JSON syntax error (Node 20's JSON.parse messages do not always carry one). */
function firstJsonErrorOffset(text: string): number {
  let i = 0
  const ws = (): void => { while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++ }
  const fail = (): never => { throw i }
  const value = (): void => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++; ws()
      if (text[i] === '}') { i++; return }
      for (;;) {
        ws(); if (text[i] !== '"') fail(); str(); ws()
        if (text[i] !== ':') fail()
        i++; value(); ws()
        if (text[i] === ',') { i++; continue }
        if (text[i] === '}') { i++; return }
        fail()
      }
    }
    if (c === '[') {
      i++; ws()
      if (text[i] === ']') { i++; return }
      for (;;) {
        value(); ws()
        if (text[i] === ',') { i++; continue }
        if (text[i] === ']') { i++; return }
        fail()
      }
    }
    if (c === '"') return str()
    const lit = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i))
    if (lit === null) fail()
    i += (lit as RegExpExecArray)[0].length
  }
  const str = (): void => {
    i++
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    if (i >= text.length) fail()
    i++
  }
  try {
    value(); ws()
    return i < text.length ? i : 0
  } catch (at) {
    return typeof at === 'number' ? at : 0
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

function own(o: Record<string, unknown>, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined
}

function findProperties(json: unknown): { props: Record<string, unknown>; at: string } | undefined {
  if (!isObject(json)) return undefined
  const props = own(json, 'properties')
  if (isObject(props)) return { props, at: 'properties' }
  const mappings = own(json, 'mappings')
  if (isObject(mappings)) {
    const inner = findProperties(mappings)
    return inner && { props: inner.props, at: `mappings.${inner.at}` }
  }
  const keys = Object.keys(json)
  if (keys.length === 1) {
    const inner = findProperties(json[keys[0] as string])
    return inner && { props: inner.props, at: `${keys[0]}.${inner.at}` }
  }
  return undefined
}

function walkProperties(
  props: Record<string, unknown>, prefix: string, at: string, out: Map<string, FieldType>, errors: MappingProblem[],
): void {
  for (const [name, def] of Object.entries(props)) {
    const field = prefix + name
    const here = `${at}.${name}`
    if (!isObject(def)) { errors.push({ at: here, message: `field [${field}] must be an object` }); continue }
    const type = own(def, 'type')
    const sub = own(def, 'properties')
    if (isObject(sub)) walkProperties(sub, `${field}.`, `${here}.properties`, out, errors)
    if (type === undefined) {
      if (!isObject(sub)) errors.push({ at: here, message: `field [${field}] has neither "type" nor "properties"` })
      continue
    }
    if (typeof type !== 'string') { errors.push({ at: here, message: `field [${field}] has a non-string "type"` }); continue }
    const t = fieldType(type, def, field, here, errors)
    out.set(field, t)
    const multi = own(def, 'fields')
    if (isObject(multi)) {
      for (const [subName, subDef] of Object.entries(multi)) {
        const subHere = `${here}.fields.${subName}`
        if (!isObject(subDef) || typeof own(subDef, 'type') !== 'string') {
          errors.push({ at: subHere, message: `sub-field [${field}.${subName}] needs a "type"` })
          continue
        }
        const subType = fieldType(own(subDef, 'type') as string, subDef, `${field}.${subName}`, subHere, errors)
        out.set(`${field}.${subName}`, subType)
        // EQL compares a text field through its keyword sub-field, so that sub-field's ignore_above applies
        if (t.kind === 'text' && subType.kind === 'keyword' && subType.ignoreAbove !== undefined && !out.get(field)?.ignoreAbove) {
          out.set(field, { ...t, ignoreAbove: subType.ignoreAbove })
        }
      }
    }
  }
}

function fieldType(esType: string, def: Record<string, unknown>, field: string, at: string, errors: MappingProblem[]): FieldType {
  const kind = kindOf(esType)
  const t: { -readonly [K in keyof FieldType]: FieldType[K] } = { kind, esType }
  const path = own(def, 'path')
  if (kind === 'alias') {
    if (typeof path === 'string') t.aliasPath = path
  }
  const nullValue = own(def, 'null_value')
  if (nullValue !== undefined && nullValue !== null) {
    if (typeof nullValue === 'string' || typeof nullValue === 'number' || typeof nullValue === 'boolean') t.nullValue = nullValue
    else errors.push({ at, message: `field [${field}] has a non-scalar "null_value"` })
  }
  const ignoreAbove = own(def, 'ignore_above')
  if (typeof ignoreAbove === 'number') t.ignoreAbove = ignoreAbove
  const format = own(def, 'format')
  if (typeof format === 'string') t.format = format
  return t
}
