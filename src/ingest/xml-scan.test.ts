// xml-scan against saxes (a full XML parser, used here only as the oracle): on any well-formed document
// both must build the same tree; on documents broken by deleting a character, the scanner must never
// accept something saxes rejects (or read it differently). Plus a table of errors with positions.
// Deliberate difference: character references to C0 controls (`&#1;`, which Windows exports do contain)
// are accepted, as XML 1.1 does; saxes (XML 1.0) rejects them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { SaxesParser } from 'saxes'
import { scanXml, type XmlElement } from './xml-scan.js'

interface Tree {
  readonly name: string
  readonly attributes: readonly (readonly [string, string])[]
  readonly children: readonly [string, Tree][]
  readonly text: string
}

const toTree = (e: XmlElement<Tree>): Tree => ({ name: e.name, attributes: e.attributes.map(([k, v]) => [k, v] as const), children: e.children, text: e.text })

function viaScan(xml: string): Tree | undefined {
  const r = scanXml(xml, toTree)
  return r.ok ? r.value : undefined
}

function viaSaxes(xml: string): Tree | undefined {
  const parser = new SaxesParser({ xmlns: false })
  const stack: XmlElement<Tree>[] = []
  let root: Tree | undefined
  let failed = false
  parser.on('error', () => void (failed = true))
  parser.on('opentag', (tag) => void stack.push({ name: tag.name, attributes: Object.entries(tag.attributes).map(([k, v]) => [k, String(v)] as const), children: [], text: '' }))
  const onText = (t: string): void => {
    const top = stack[stack.length - 1]
    if (top !== undefined) top.text += t
  }
  parser.on('text', onText)
  parser.on('cdata', onText)
  parser.on('doctype', () => void (failed = true)) // the scanner refuses DTDs by design
  parser.on('closetag', () => {
    const el = stack.pop()!
    const tree = toTree(el)
    const parent = stack[stack.length - 1]
    if (parent !== undefined) parent.children.push([el.name, tree])
    else root = tree
  })
  try {
    parser.write(xml).close()
  } catch {
    failed = true
  }
  return failed ? undefined : root
}

// Serialise a random event-like tree, choosing among the equivalent spellings XML allows.
const name = fc.constantFrom('Event', 'System', 'EventData', 'Data', 'Binary', 'UserData', 'e:X', '__proto__', 'a-b.c', 'Ünï')
const text = fc.string({ unit: fc.constantFrom('a', ' ', '\t', '\n', '\r\n', '\r', '<', '>', '&', '"', "'", 'é', '€', '😀', ']', 'x'), maxLength: 12 })
interface Gen {
  name: string
  attrs: [string, string][]
  body: (Gen | string)[]
}
const tree: fc.Arbitrary<Gen> = fc.letrec<{ node: Gen }>((tie) => ({
  node: fc.record({
    name,
    attrs: fc.uniqueArray(fc.tuple(fc.constantFrom('Name', 'Guid', 'xmlns', 'Qualifiers', 'x:y'), text), { selector: (a) => a[0], maxLength: 3 }),
    body: fc.array(fc.oneof({ depthSize: 'small', withCrossShrink: true }, text, tie('node')), { maxLength: 4 }),
  }),
})).node

const escapeText = (s: string, style: number): string => {
  if (style === 1 && !s.includes(']]>')) return `<![CDATA[${s}]]>`
  const out = s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', style === 2 ? '&#62;' : '&gt;')
  return style === 3 ? out.replaceAll('é', '&#xE9;').replaceAll("'", '&apos;') : out
}
const escapeAttr = (s: string, quote: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll(quote, quote === '"' ? '&quot;' : '&apos;').replaceAll('\t', '&#9;').replaceAll('\n', '&#10;').replaceAll('\r', '&#13;')

function serialise(g: Gen, style: number): string {
  const q = style % 2 === 0 ? '"' : "'"
  const attrs = g.attrs.map(([k, v]) => ` ${k}${style === 2 ? ' = ' : '='}${q}${escapeAttr(v, q)}${q}`).join('')
  if (g.body.length === 0 && style !== 3) return `<${g.name}${attrs}/>`
  const body = g.body.map((b, k) => (typeof b === 'string' ? escapeText(b, (style + k) % 4) : serialise(b, (style + k) % 4)) + (k === 1 ? '<!-- c -->' : '')).join('')
  return `<${g.name}${attrs}>${body}</${g.name}${style === 1 ? ' ' : ''}>`
}

function hasControlReference(xml: string): boolean {
  return [...xml.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g)].some((m) => {
    const ref = m[1]!
    const code = ref.startsWith('x') ? Number.parseInt(ref.slice(1), 16) : Number.parseInt(ref, 10)
    return code >= 1 && code < 32 && code !== 9 && code !== 10 && code !== 13
  })
}

test('xml-scan: a character reference to a control character is kept (Windows writes them)', () => {
  assert.deepEqual(viaScan('<a b="&#1;">x&#x1F;y</a>'), { name: 'a', attributes: [['b', '\u0001']], children: [], text: 'x\u001fy' })
})

test('xml-scan: every well-formed document reads exactly as saxes reads it', () => {
  fc.assert(
    fc.property(tree, fc.integer({ min: 0, max: 3 }), fc.boolean(), (g, style, prolog) => {
      const xml = (prolog ? '<?xml version="1.0" encoding="utf-8"?>\n<!-- exported -->\n' : '') + serialise(g, style) + (prolog ? '\r\n' : '')
      const oracle = viaSaxes(xml)
      assert.notEqual(oracle, undefined, `saxes rejected a generated document: ${xml}`)
      assert.deepEqual(viaScan(xml), oracle, xml)
    }),
    { numRuns: 400 },
  )
})

test('xml-scan: a document broken by deleting or inserting one character is never read more leniently than saxes reads it', () => {
  const insert = fc.option(fc.constantFrom('<', '>', '&', '"', "'", '=', '/', '-', ']', '!', '?', ';', ' ', 'a'), { nil: undefined })
  fc.assert(
    fc.property(tree, fc.integer({ min: 0, max: 3 }), fc.nat(), insert, (g, style, cut, inserted) => {
      // Edit code points, not halves of surrogate pairs: input text comes from UTF-8 decoding, which
      // never yields lone surrogates (the scanner does not check raw characters against XML's Char range).
      const points = Array.from(serialise(g, style))
      if (inserted === undefined) points.splice(cut % points.length, 1)
      else points.splice(cut % (points.length + 1), 0, inserted)
      const xml = points.join('')
      if (hasControlReference(xml)) return // the deliberate difference described above
      const mine = viaScan(xml)
      if (mine !== undefined) assert.deepEqual(mine, viaSaxes(xml), xml)
    }),
    { numRuns: 600 },
  )
})

// [name, xml, reason pattern, character position]
const errors: [string, string, RegExp, number][] = [
  ['undefined entity', '<a>&nbsp;</a>', /undefined entity &nbsp;/, 3],
  ['entity without ;', '<a>&amp</a>', /unterminated entity/, 3],
  ['invalid character reference', '<a>&#0;</a>', /invalid character reference/, 3],
  ['surrogate character reference', '<a>&#xD800;</a>', /invalid character reference/, 3],
  ['character reference out of range', '<a>&#x110000;</a>', /invalid character reference/, 3],
  [']]> in text', '<a>x]]>y</a>', /\]\]> in character data/, 4],
  ['DTD', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', /DTD/, 0],
  ['mismatched closing tag', '<a><b></a></b>', /mismatched closing tag <\/a> for <b>/, 6],
  ['unclosed element', '<a><b></b>', /unclosed element <a>/, 10],
  ['duplicate attribute', '<a x="1" x="2"/>', /duplicate attribute x/, 9],
  ['< in an attribute value', '<a x="<"/>', /< in the value/, 6],
  ['unquoted attribute', '<a x=1/>', /quoted value/, 5],
  ['no whitespace between attributes', '<a x="1"y="2"/>', /whitespace before an attribute/, 8],
  ['text after the root', '<a/>x', /text after the root/, 4],
  ['second root element', '<a/><b/>', /content after the root/, 4],
  ['closing tag first', '</a><a></a>', /closing tag <\/a> without an open element/, 0],
  ['bad name', '<1a/>', /expected a name/, 1],
  ['unclosed CDATA', '<a><![CDATA[x</a>', /unclosed CDATA/, 3],
  ['unclosed comment', '<a><!-- x</a>', /unclosed comment/, 3],
  ['-- inside a comment', '<a><!-- x -- y --></a>', /-- inside a comment/, 10],
  ['comment ending in --->', '<a><!-- x ---></a>', /-- inside a comment/, 10],
]
for (const [label, xml, reason, at] of errors) {
  test(`xml-scan errors: ${label}`, () => {
    const r = scanXml(xml, toTree)
    assert.equal(r.ok, false)
    if (!r.ok) {
      assert.match(r.reason, reason)
      assert.equal(r.at, at)
    }
    assert.equal(viaSaxes(xml), undefined, 'saxes rejects it too')
  })
}

test('xml-scan: many attributes stay linear, and a late duplicate is still found', () => {
  const attrs = Array.from({ length: 50_000 }, (_, k) => ` a${k}="${k}"`).join('')
  const ok = scanXml(`<e${attrs}/>`, toTree)
  assert.equal(ok.ok && ok.value.attributes.length, 50_000)
  const dup = scanXml(`<e${attrs} a7="x"/>`, toTree)
  assert.equal(dup.ok, false)
  if (!dup.ok) assert.match(dup.reason, /duplicate attribute a7/)
})

test('xml-scan: many text nodes and attributes in one document (linear scans)', () => {
  const body = '<d a="1">x</d>'.repeat(100_000)
  const r = scanXml(`<e>${body}</e>`, toTree)
  assert.equal(r.ok && r.value.children.length, 100_000)
})

test('xml-scan: arbitrary input never throws, it is read or rejected with a position inside it', () => {
  const unit = fc.constantFrom('<', '>', '/', '!', '?', '-', '[', ']', 'CDATA', '&', ';', '#', 'x', '"', "'", '=', ' ', '\n', 'a', 'Event', 'é')
  fc.assert(
    fc.property(fc.string({ unit, maxLength: 40 }), (xml) => {
      const r = scanXml(xml, toTree)
      if (!r.ok) assert.equal(r.at >= 0 && r.at <= xml.length, true, `${r.at} ${xml}`)
    }),
    { numRuns: 2000 },
  )
})
