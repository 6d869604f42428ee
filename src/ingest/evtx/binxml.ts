// Binary XML ([MS-EVEN6] §3.1.4.x, libyal "Binary XML") → a small node tree. Template definitions are compiled
// once per chunk into ElementNodes whose substitutions are SubstNodes; each record then only decodes its
// substitution values (values.ts) and renders (render.ts). No XML text is ever produced.

import { EvtxError } from './errors.js'
import { decodeValue, VALUE_BINXML, VALUE_NULL, type Decoded } from './values.js'

export interface SubstNode {
  readonly kind: 'subst'
  readonly index: number
  readonly optional: boolean
}

export interface ElementNode {
  readonly kind: 'element'
  readonly name: string
  readonly attrs: readonly AttrNode[]
  readonly content: readonly ContentNode[]
  /** Attribute names are distinct and ordinary: rendering may assign them without checks. */
  readonly plainAttrs: boolean
  /**
   * Every child is an element whose key is fixed at compile time (its name, or a literal `Data` Name), all
   * distinct and ordinary, and no substitution or template instance can add more: assign without checks.
   */
  readonly plainChildren: boolean
}

export interface AttrNode {
  readonly name: string
  readonly parts: readonly (string | SubstNode)[]
}

export interface InstanceNode {
  readonly kind: 'instance'
  readonly template: ElementNode
  readonly values: readonly Value[]
}

/** Element content: child element, text (value text, CDATA, resolved char/entity refs), substitution, instance. */
export type ContentNode = ElementNode | string | SubstNode | InstanceNode

/** A nested Binary XML value (type 0x21): rendered as child elements of the element it substitutes into. */
export interface FragmentValue {
  readonly kind: 'fragment'
  readonly nodes: readonly ContentNode[]
}

export type Value = Decoded | FragmentValue

const MAX_DEPTH = 64

// Keys that must not be assigned blindly: the prototype's own names (`__proto__`, `constructor`, …) and ours.
const SPECIAL_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), '#text', '#attributes'])

function specialKey(k: string): boolean {
  return SPECIAL_KEYS.has(k)
}

/** The key an element gets in its parent, when known at compile time. */
function staticKey(el: ElementNode): string | undefined {
  if (el.name !== 'Data') return el.name
  const name = el.attrs.find((a) => a.name === 'Name')
  if (name === undefined) return 'Data'
  return name.parts.length === 1 && typeof name.parts[0] === 'string' ? name.parts[0] : undefined
}

function plainAttrs(attrs: readonly AttrNode[]): boolean {
  const seen = new Set<string>()
  for (const a of attrs) {
    if (specialKey(a.name) || seen.has(a.name)) return false
    seen.add(a.name)
  }
  return true
}

function plainChildren(content: readonly ContentNode[]): boolean {
  const seen = new Set<string>()
  for (const n of content) {
    if (typeof n === 'string') continue
    if (n.kind !== 'element') return false
    const k = staticKey(n)
    if (k === undefined || specialKey(k) || seen.has(k)) return false
    seen.add(k)
  }
  return true
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/** Per-chunk decoder state: name and template caches keyed by chunk-relative offset. */
export interface ChunkDecoder {
  /** Decodes the BinXml of one record stored in [start, end) of the chunk. */
  readonly record: (start: number, end: number) => readonly ContentNode[]
}

interface Cursor {
  pos: number
  end: number
  depth: number
}

export function createChunkDecoder(buf: Buffer, chunkEnd: number): ChunkDecoder {
  const names = new Map<number, string>()
  const templates = new Map<number, ElementNode>()

  function need(c: Cursor, n: number): void {
    if (c.pos + n > c.end) throw new EvtxError(`needs ${n} bytes, ${Math.max(0, c.end - c.pos)} left`, c.pos)
  }

  function nameAt(at: number): [string, number] {
    if (at + 8 > chunkEnd || at < 0) throw new EvtxError(`name offset ${at} outside the chunk`, at)
    const count = buf.readUInt16LE(at + 6)
    const textEnd = at + 8 + count * 2
    if (textEnd > chunkEnd) throw new EvtxError(`name of ${count} characters overruns the chunk`, at)
    return [buf.toString('utf16le', at + 8, textEnd), 8 + count * 2 + 2]
  }

  /** Reads a u32 name offset; when it points at the cursor the name is stored inline and is skipped. */
  function readName(c: Cursor): string {
    need(c, 4)
    const off = buf.readUInt32LE(c.pos)
    c.pos += 4
    const cached = names.get(off)
    if (off === c.pos) {
      const [name, len] = nameAt(off)
      need(c, len)
      c.pos += len
      if (cached === undefined) names.set(off, name)
      return name
    }
    if (cached !== undefined) return cached
    const [name] = nameAt(off)
    names.set(off, name)
    return name
  }

  function text(c: Cursor): string {
    need(c, 2)
    const count = buf.readUInt16LE(c.pos)
    need(c, 2 + count * 2)
    const s = buf.toString('utf16le', c.pos + 2, c.pos + 2 + count * 2)
    c.pos += 2 + count * 2
    return s
  }

  function valueText(c: Cursor): string {
    need(c, 2)
    const type = buf[c.pos + 1]!
    c.pos += 2
    if (type !== 0x01) throw new EvtxError(`value text of type 0x${type.toString(16)}`, c.pos - 1)
    return text(c)
  }

  function substitution(c: Cursor, token: number): SubstNode {
    need(c, 4)
    const index = buf.readUInt16LE(c.pos + 1)
    c.pos += 4
    return { kind: 'subst', index, optional: token === 0x0e }
  }

  function charRef(c: Cursor): string {
    need(c, 3)
    const code = buf.readUInt16LE(c.pos + 1)
    c.pos += 3
    return String.fromCharCode(code)
  }

  function entityRef(c: Cursor): string {
    c.pos += 1
    const name = readName(c)
    return Object.hasOwn(ENTITIES, name) ? ENTITIES[name]! : `&${name};`
  }

  /**
   * Open-start-element. The u16 dependency id is present inside template definitions only: elements written
   * directly in a record (no template, e.g. forwarded events) and in values of type 0x21 lack it. Either way
   * the layout whose name offset is plausible wins.
   */
  function element(c: Cursor, hasDependency: boolean): ElementNode {
    if (++c.depth > MAX_DEPTH) throw new EvtxError(`elements nested deeper than ${MAX_DEPTH}`, c.pos)
    need(c, 11)
    const token = buf[c.pos]!
    // Name offset as read with and without the dependency id; keep the expected layout unless only the
    // other one yields a plausible offset (the name inline right after it, or a name already seen).
    let skip = hasDependency ? 3 : 1
    if (c.pos + 13 <= c.end) {
      const offPlain = buf.readUInt32LE(c.pos + 5)
      const offDep = buf.readUInt32LE(c.pos + 7)
      const plain = offPlain === c.pos + 9 || names.has(offPlain)
      const dep = offDep === c.pos + 11 || names.has(offDep)
      if (hasDependency && !dep && plain) skip = 1
      else if (!hasDependency && !plain && dep) skip = 3
    }
    c.pos += skip + 4 // token [+ dependency id] + data size
    const name = readName(c)
    const attrs: AttrNode[] = []
    if ((token & 0x40) !== 0) {
      need(c, 4)
      c.pos += 4 // attribute list size: the tokens delimit the list
      while (c.pos < c.end) {
        const t = buf[c.pos]!
        if ((t & 0xbf) !== 0x06) break
        c.pos += 1
        const attrName = readName(c)
        attrs.push({ name: attrName, parts: valueParts(c) })
        if (t === 0x06) break
      }
    }
    need(c, 1)
    const close = buf[c.pos]!
    c.pos += 1
    let content: ContentNode[]
    if (close === 0x03) content = []
    else if (close === 0x02) content = elementContent(c, hasDependency)
    else throw new EvtxError(`expected close-start or close-empty token, found 0x${close.toString(16)}`, c.pos - 1)
    c.depth--
    return { kind: 'element', name, attrs, content, plainAttrs: plainAttrs(attrs), plainChildren: plainChildren(content) }
  }

  /** Attribute value: value text, substitutions, char and entity references until another token appears. */
  function valueParts(c: Cursor): (string | SubstNode)[] {
    const parts: (string | SubstNode)[] = []
    while (c.pos < c.end) {
      const t = buf[c.pos]!
      let s: string
      if (t === 0x05 || t === 0x45) s = valueText(c)
      else if (t === 0x0d || t === 0x0e) { parts.push(substitution(c, t)); continue }
      else if (t === 0x08 || t === 0x48) s = charRef(c)
      else if (t === 0x09 || t === 0x49) s = entityRef(c)
      else break
      pushText(parts, s)
    }
    return parts
  }

  function pushText(parts: (string | SubstNode)[] | ContentNode[], s: string): void {
    const last = parts.length - 1
    if (last >= 0 && typeof parts[last] === 'string') parts[last] = (parts[last] as string) + s
    else (parts as ContentNode[]).push(s)
  }

  function elementContent(c: Cursor, hasDependency: boolean): ContentNode[] {
    const content: ContentNode[] = []
    for (;;) {
      need(c, 1)
      const t = buf[c.pos]!
      switch (t) {
        case 0x04: c.pos += 1; return content
        case 0x01: case 0x41: content.push(element(c, hasDependency)); break
        case 0x05: case 0x45: pushText(content, valueText(c)); break
        case 0x07: case 0x47: c.pos += 1; pushText(content, text(c)); break
        case 0x08: case 0x48: pushText(content, charRef(c)); break
        case 0x09: case 0x49: pushText(content, entityRef(c)); break
        case 0x0a: processingInstruction(c); break
        case 0x0b: c.pos += 1; text(c); break
        case 0x0c: content.push(instance(c)); break
        case 0x0d: case 0x0e: content.push(substitution(c, t)); break
        case 0x0f: need(c, 4); c.pos += 4; break
        case 0x00: throw new EvtxError('end of stream inside an element', c.pos)
        default: throw new EvtxError(`unknown BinXml token 0x${t.toString(16)}`, c.pos)
      }
    }
  }

  /** PI target + data: parsed to stay in step; the evtx_dump JSON shape has no place for PIs, so dropped. */
  function processingInstruction(c: Cursor): void {
    c.pos += 1
    readName(c)
    if (c.pos < c.end && buf[c.pos] === 0x0b) { c.pos += 1; text(c) }
  }

  /** A document or fragment: fragment headers, PIs, one element or template instance each, up to EOF. */
  function fragment(c: Cursor, hasDependency: boolean): ContentNode[] {
    const nodes: ContentNode[] = []
    while (c.pos < c.end) {
      const t = buf[c.pos]!
      if (t === 0x00) { c.pos += 1; break }
      if (t === 0x0f) { need(c, 4); c.pos += 4 }
      else if (t === 0x0c) nodes.push(instance(c))
      else if (t === 0x01 || t === 0x41) nodes.push(element(c, hasDependency))
      else if (t === 0x0a) processingInstruction(c)
      else if (t === 0x0b) { c.pos += 1; text(c) }
      else throw new EvtxError(`unexpected BinXml token 0x${t.toString(16)} at fragment level`, c.pos)
    }
    return nodes
  }

  function compileTemplate(defOffset: number, depth: number): ElementNode {
    const cached = templates.get(defOffset)
    if (cached !== undefined) return cached
    if (defOffset < 0 || defOffset + 24 > chunkEnd) throw new EvtxError(`template offset ${defOffset} outside the chunk`, defOffset)
    const size = buf.readUInt32LE(defOffset + 20)
    const bodyEnd = Math.min(defOffset + 24 + size, chunkEnd)
    const c: Cursor = { pos: defOffset + 24, end: bodyEnd, depth }
    const nodes = fragment(c, true)
    const root = nodes[0]
    if (nodes.length !== 1 || typeof root !== 'object' || root.kind !== 'element') {
      throw new EvtxError('template definition is not a single element', defOffset)
    }
    templates.set(defOffset, root)
    return root
  }

  function instance(c: Cursor): InstanceNode {
    if (c.depth + 1 > MAX_DEPTH) throw new EvtxError(`templates nested deeper than ${MAX_DEPTH}`, c.pos)
    need(c, 10)
    const defOffset = buf.readUInt32LE(c.pos + 6)
    c.pos += 10
    const template = compileTemplate(defOffset, c.depth + 1)
    if (defOffset === c.pos) {
      // Defined inline, right here: skip the definition (next offset, GUID, size, body).
      need(c, 24)
      c.pos += 24 + buf.readUInt32LE(c.pos + 20)
      if (c.pos > c.end) throw new EvtxError('template definition overruns the record', defOffset)
    }
    return { kind: 'instance', template, values: substitutionValues(c) }
  }

  function substitutionValues(c: Cursor): Value[] {
    need(c, 4)
    const count = buf.readUInt32LE(c.pos)
    c.pos += 4
    need(c, count * 4)
    const values: Value[] = new Array(count)
    let p = c.pos + count * 4
    for (let i = 0; i < count; i++) {
      const d = c.pos + i * 4
      const size = buf.readUInt16LE(d)
      const type = buf[d + 2]!
      if (p + size > c.end) throw new EvtxError(`substitution ${i} (type 0x${type.toString(16)}, ${size} bytes) overruns the record`, p)
      if (type === VALUE_BINXML) {
        values[i] = size === 0 ? null : { kind: 'fragment', nodes: fragment({ pos: p, end: p + size, depth: c.depth + 1 }, false) }
      } else {
        values[i] = type === VALUE_NULL || (size === 0 && type !== 0x01) ? null : decodeValue(buf, type, p, p + size)
      }
      p += size
    }
    c.pos = p
    return values
  }

  return {
    record(start: number, end: number): readonly ContentNode[] {
      return fragment({ pos: start, end, depth: 0 }, false)
    },
  }
}

