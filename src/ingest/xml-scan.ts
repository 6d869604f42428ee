// A small, strict XML scanner for one Windows event document. saxes measured ~8–10 MB/s on event
// documents; events need only a subset of XML (elements, attributes, text, the five predefined entities,
// character references, CDATA, comments, processing instructions), which indexOf-driven scanning reads
// several times faster. Anything outside that subset is an error, never guessed at: a DTD (so no
// entity expansion, no XXE), an undefined entity, a bad name, mismatched or unclosed tags, a duplicate
// attribute, `<` in an attribute value, text or a second element after the root.
// Character references to C0 controls are accepted (XML 1.1 rule) because Windows writes them.
// Line ends are normalised as XML requires (CRLF and lone CR → LF), also inside attribute values, where
// tabs and line ends become spaces (attribute-value normalisation for CDATA attributes).

export interface XmlElement<T> {
  readonly name: string
  /** Attribute names and values in document order; empty when there are none. */
  readonly attributes: readonly (readonly [string, string])[]
  /** Converted children, in document order. */
  readonly children: [string, T][]
  /** Concatenated character data (text and CDATA) directly inside this element. */
  text: string
}

export type ScanResult<T> =
  | { readonly ok: true; readonly name: string; readonly value: T }
  | { readonly ok: false; readonly reason: string; readonly at: number }

class XmlError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message)
  }
}

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 9 || c === 13

// Name characters: ASCII letters, `_`, `:`, anything non-ASCII; then also digits, `-`, `.`.
const isNameStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c >= 0x80
const isNameChar = (c: number): boolean => isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/** Decodes entity and character references and normalises line ends in character data. */
function decodeText(xml: string, start: number, end: number, isAttribute: boolean): string {
  const raw = xml.slice(start, end)
  if (raw.indexOf('&') === -1 && raw.indexOf('\r') === -1 && !(isAttribute && /[\t\n]/.test(raw))) return raw
  let out = ''
  let i = 0
  while (i < raw.length) {
    const amp = raw.indexOf('&', i)
    const stop = amp === -1 ? raw.length : amp
    out += normaliseLineEnds(raw.slice(i, stop), isAttribute)
    if (amp === -1) break
    const semi = raw.indexOf(';', amp + 1)
    if (semi === -1 || semi - amp > 12) throw new XmlError('unterminated entity reference', start + amp)
    const ref = raw.slice(amp + 1, semi)
    if (ref.charCodeAt(0) === 35 /* # */) out += charRef(ref, start + amp)
    else {
      const v = Object.hasOwn(PREDEFINED, ref) ? PREDEFINED[ref] : undefined
      if (v === undefined) throw new XmlError(`undefined entity &${ref};`, start + amp)
      out += v
    }
    i = semi + 1
  }
  return out
}

function normaliseLineEnds(s: string, isAttribute: boolean): string {
  let out = s.indexOf('\r') === -1 ? s : s.replace(/\r\n?/g, '\n')
  if (isAttribute) out = out.replace(/[\t\n]/g, ' ')
  return out
}

function charRef(ref: string, at: number): string {
  const isHex = ref.charCodeAt(1) === 120 /* x */
  const digits = ref.slice(isHex ? 2 : 1)
  const ok = isHex ? /^[0-9a-fA-F]{1,6}$/.test(digits) : /^[0-9]{1,7}$/.test(digits)
  const code = ok ? Number.parseInt(digits, isHex ? 16 : 10) : -1
  // XML 1.1 referable characters: anything but NUL and surrogates. XML 1.0 also forbids C0 controls,
  // but Windows renders control characters in event data as such references, and dropping the event
  // for them would lose it.
  const isChar = code >= 1 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) && code !== 0xfffe && code !== 0xffff
  if (!isChar) throw new XmlError(`invalid character reference &${ref};`, at)
  return String.fromCodePoint(code)
}

/**
 * Scans one XML document and converts each element when it closes (children first), so the caller
 * builds its own shape without an intermediate DOM.
 */
export function scanXml<T>(xml: string, convert: (element: XmlElement<T>) => T): ScanResult<T> {
  try {
    return scan(xml, convert)
  } catch (e) {
    if (e instanceof XmlError) return { ok: false, reason: e.message, at: e.at }
    throw e
  }
}

function scan<T>(xml: string, convert: (element: XmlElement<T>) => T): ScanResult<T> {
  const n = xml.length
  const stack: XmlElement<T>[] = []
  let root: { name: string; value: T } | undefined
  let i = skipMisc(xml, 0, 'before the root element')
  if (i >= n) throw new XmlError('no root element', i)
  // Positions of the next `]]>` and `<`, searched again only once passed, so that checks made per
  // text node and per attribute stay linear over the whole document.
  let cdataEndAt = -2
  let ltAt = -2
  const nextCdataEnd = (from: number): number => {
    if (cdataEndAt !== -1 && cdataEndAt < from) cdataEndAt = xml.indexOf(']]>', from)
    return cdataEndAt
  }
  const nextLt = (from: number): number => {
    if (ltAt !== -1 && ltAt < from) ltAt = xml.indexOf('<', from)
    return ltAt
  }

  const readName = (from: number): number => {
    if (from >= n || !isNameStart(xml.charCodeAt(from))) throw new XmlError('expected a name', from)
    let j = from + 1
    while (j < n && isNameChar(xml.charCodeAt(j))) j++
    return j
  }
  const close = (element: XmlElement<T>): void => {
    const value = convert(element)
    const parent = stack[stack.length - 1]
    if (parent !== undefined) parent.children.push([element.name, value])
    else root = { name: element.name, value }
  }

  while (root === undefined) {
    if (i >= n) throw new XmlError(`unclosed element <${stack[stack.length - 1]?.name ?? ''}>`, n)
    const c = xml.charCodeAt(i)
    if (c !== 60 /* < */) {
      const lt = xml.indexOf('<', i)
      const end = lt === -1 ? n : lt
      const cdataEnd = nextCdataEnd(i)
      if (cdataEnd !== -1 && cdataEnd < end) throw new XmlError(']]> in character data', cdataEnd)
      stack[stack.length - 1]!.text += decodeText(xml, i, end, false)
      i = end
      continue
    }
    const next = xml.charCodeAt(i + 1)
    if (next === 47 /* / */) {
      const nameEnd = readName(i + 2)
      const name = xml.slice(i + 2, nameEnd)
      let j = nameEnd
      while (j < n && isSpace(xml.charCodeAt(j))) j++
      if (xml.charCodeAt(j) !== 62 /* > */) throw new XmlError(`expected > to close </${name}`, j)
      const element = stack.pop()
      if (element === undefined) throw new XmlError(`closing tag </${name}> without an open element`, i)
      if (element.name !== name) throw new XmlError(`mismatched closing tag </${name}> for <${element.name}>`, i)
      close(element)
      i = j + 1
      continue
    }
    if (next === 33 /* ! */) {
      if (xml.startsWith('<!--', i)) {
        i = skipComment(xml, i)
      } else if (xml.startsWith('<![CDATA[', i)) {
        const end = xml.indexOf(']]>', i + 9)
        if (end === -1) throw new XmlError('unclosed CDATA section', i)
        stack[stack.length - 1]!.text += normaliseLineEnds(xml.slice(i + 9, end), false)
        i = end + 3
      } else throw new XmlError('markup declarations (DTD) are not supported in event XML', i)
      continue
    }
    if (next === 63 /* ? */) {
      const end = xml.indexOf('?>', i + 2)
      if (end === -1) throw new XmlError('unclosed processing instruction', i)
      i = end + 2
      continue
    }
    // A start tag.
    const nameEnd = readName(i + 1)
    const name = xml.slice(i + 1, nameEnd)
    const attributes: [string, string][] = []
    let seen: Set<string> | undefined // duplicate check stays linear for elements with many attributes
    let j = nameEnd
    for (;;) {
      const before = j
      while (j < n && isSpace(xml.charCodeAt(j))) j++
      const a = xml.charCodeAt(j)
      if (a === 62 /* > */) {
        stack.push({ name, attributes, children: [], text: '' })
        i = j + 1
        break
      }
      if (a === 47 /* / */ && xml.charCodeAt(j + 1) === 62) {
        stack.push({ name, attributes, children: [], text: '' })
        close(stack.pop()!)
        i = j + 2
        break
      }
      if (j >= n) throw new XmlError(`unclosed start tag <${name}`, i)
      if (j === before) throw new XmlError(`expected whitespace before an attribute in <${name}>`, j)
      const attrStart = j
      const attrEnd = readName(j)
      const attrName = xml.slice(j, attrEnd)
      j = attrEnd
      while (j < n && isSpace(xml.charCodeAt(j))) j++
      if (xml.charCodeAt(j) !== 61 /* = */) throw new XmlError(`expected = after attribute ${attrName}`, j)
      j++
      while (j < n && isSpace(xml.charCodeAt(j))) j++
      const quote = xml.charCodeAt(j)
      if (quote !== 34 && quote !== 39) throw new XmlError(`expected a quoted value for attribute ${attrName}`, j)
      const valueEnd = xml.indexOf(quote === 34 ? '"' : "'", j + 1)
      if (valueEnd === -1) throw new XmlError(`unclosed value of attribute ${attrName}`, j)
      const lt = nextLt(j + 1)
      if (lt !== -1 && lt < valueEnd) throw new XmlError(`< in the value of attribute ${attrName}`, lt)
      if (attributes.length >= 8 && seen === undefined) seen = new Set(attributes.map(([k]) => k))
      if (seen !== undefined ? seen.has(attrName) : attributes.some(([k]) => k === attrName)) {
        throw new XmlError(`duplicate attribute ${attrName}`, attrStart)
      }
      seen?.add(attrName)
      attributes.push([attrName, decodeText(xml, j + 1, valueEnd, true)])
      j = valueEnd + 1
    }
  }
  if (skipMisc(xml, i, 'after the root element') < n) throw new XmlError('content after the root element', i)
  return { ok: true, name: root.name, value: root.value }
}

/** Skips whitespace, comments and processing instructions outside the root element. */
function skipMisc(xml: string, from: number, where: string): number {
  let i = from
  const n = xml.length
  while (i < n) {
    const c = xml.charCodeAt(i)
    if (isSpace(c) || c === 0xfeff) i++
    else if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i + 2)
      if (end === -1) throw new XmlError('unclosed processing instruction', i)
      i = end + 2
    } else if (xml.startsWith('<!--', i)) {
      i = skipComment(xml, i)
    } else if (c === 60 && xml.startsWith('<!', i)) throw new XmlError('markup declarations (DTD) are not supported in event XML', i)
    else if (c === 60) return i
    else throw new XmlError(`text ${where}`, i)
  }
  return i
}

/** Index just past the comment at `from`; `--` may not occur inside a comment. */
function skipComment(xml: string, from: number): number {
  const end = xml.indexOf('-->', from + 4)
  if (end === -1) throw new XmlError('unclosed comment', from)
  const dashes = xml.indexOf('--', from + 4)
  if (dashes < end) throw new XmlError('-- inside a comment', dashes)
  return end + 3
}
