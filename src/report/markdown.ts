// A small, safe Markdown renderer for rule guides in the HTML report. Supported: ATX headings, paragraphs,
// nested bullet and numbered lists, fenced code, block quotes, horizontal rules, inline code, emphasis,
// strong, backslash escapes, and links whose target is http(s). Everything else is text: raw HTML in the
// source is escaped, never passed through, so a guide (which may come from a third-party rule file) cannot
// inject markup or script into the report.

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export interface MarkdownOptions {
  /** Heading levels are shifted by this much (a guide's `#` becomes `<h3>` with 2), capped at h6. */
  readonly headingOffset?: number
}

export function renderMarkdown(text: string, opts: MarkdownOptions = {}): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n')
  return renderBlocks(lines, opts.headingOffset ?? 0)
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*$/
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/
const ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])( {1,4}|$)(.*)$/
const QUOTE = /^ {0,3}> ?(.*)$/

function isBlockStart(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || ITEM.test(line) || QUOTE.test(line)
}

function renderBlocks(lines: readonly string[], offset: number): string {
  const out: string[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]
    if (line.trim() === '') { i++; continue }
    let m: RegExpExecArray | null
    if ((m = FENCE.exec(line)) !== null) {
      const marker = m[1]
      const indent = line.length - line.trimStart().length
      const lang = m[2].replace(/[^A-Za-z0-9_+-]/g, '')
      const body: string[] = []
      i++
      while (i < lines.length && !new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`).test(lines[i])) {
        body.push(stripIndent(lines[i], indent))
        i++
      }
      i++ // closing fence (or end of text)
      const cls = lang ? ` class="language-${escapeHtml(lang)}"` : ''
      out.push(`<pre><code${cls}>${escapeHtml(body.join('\n'))}</code></pre>`)
      continue
    }
    if (RULE.test(line)) { out.push('<hr>'); i++; continue }
    if ((m = HEADING.exec(line)) !== null) {
      const level = Math.min(6, m[1].length + offset)
      out.push(`<h${level}>${renderInline(m[2] ?? '')}</h${level}>`)
      i++
      continue
    }
    if (QUOTE.test(line)) {
      const body: string[] = []
      while (i < lines.length && (m = QUOTE.exec(lines[i])) !== null) { body.push(m[1]); i++ }
      out.push(`<blockquote>${renderBlocks(body, offset)}</blockquote>`)
      continue
    }
    if ((m = ITEM.exec(line)) !== null) {
      const r = renderList(lines, i, offset)
      out.push(r.html)
      i = r.next
      continue
    }
    const para: string[] = []
    while (i < lines.length && lines[i].trim() !== '' && (para.length === 0 || !isBlockStart(lines[i]))) {
      para.push(lines[i].trim())
      i++
    }
    out.push(`<p>${renderInline(para.join('\n'))}</p>`)
  }
  return out.join('\n')
}

function stripIndent(line: string, n: number): string {
  let k = 0
  while (k < n && k < line.length && line[k] === ' ') k++
  return line.slice(k)
}

function renderList(lines: readonly string[], start: number, offset: number): { html: string; next: number } {
  const first = ITEM.exec(lines[start])
  if (first === null) return { html: '', next: start + 1 }
  const isOrdered = /\d/.test(first[2])
  const delimiter = isOrdered ? first[2].slice(-1) : first[2]
  const items: string[] = []
  let i = start
  let startNumber = isOrdered ? Number.parseInt(first[2], 10) : 1
  if (!Number.isFinite(startNumber)) startNumber = 1
  while (i < lines.length) {
    const m = ITEM.exec(lines[i])
    if (m === null) break
    const sameKind = isOrdered ? /\d/.test(m[2]) && m[2].slice(-1) === delimiter : m[2] === delimiter
    if (!sameKind) break
    const contentIndent = m[1].length + m[2].length + (m[3].length === 0 ? 1 : m[3].length)
    const body: string[] = [m[4]]
    i++
    let previousBlank = false
    while (i < lines.length) {
      const l = lines[i]
      if (l.trim() === '') { body.push(''); previousBlank = true; i++; continue }
      const indent = l.length - l.trimStart().length
      if (indent >= contentIndent) { body.push(l.slice(contentIndent)); previousBlank = false; i++; continue }
      // Lazy continuation of the item's paragraph (CommonMark): an unindented text line right after text.
      if (!previousBlank && !isBlockStart(l)) { body.push(l.trim()); i++; continue }
      break
    }
    while (body.length > 0 && body[body.length - 1] === '') body.pop()
    items.push(renderItem(body, offset))
    // A blank line followed by something that is not a sibling item ends the list.
    if (i < lines.length && ITEM.exec(lines[i]) === null) break
  }
  const tag = isOrdered ? 'ol' : 'ul'
  const startAttr = isOrdered && startNumber !== 1 ? ` start="${startNumber}"` : ''
  return { html: `<${tag}${startAttr}>\n${items.map((x) => `<li>${x}</li>`).join('\n')}\n</${tag}>`, next: i }
}

/** A tight item (no blank line inside) renders its leading paragraph without <p>, as Markdown renderers do. */
function renderItem(body: readonly string[], offset: number): string {
  const html = renderBlocks(body, offset)
  if (body.includes('') || !html.startsWith('<p>')) return html
  const end = html.indexOf('</p>')
  return html.slice(3, end) + html.slice(end + 4)
}

// ---- inline ----------------------------------------------------------------------------------------------

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/

/** Renders one paragraph's inline content; every character of `s` ends up escaped or in escaped markup. */
export function renderInline(s: string): string {
  let out = ''
  let i = 0
  while (i < s.length) {
    const c = s[i]
    if (c === '\\' && i + 1 < s.length && PUNCTUATION.test(s[i + 1])) {
      out += escapeHtml(s[i + 1])
      i += 2
      continue
    }
    if (c === '\\' && s[i + 1] === '\n') { out += '<br>'; i += 2; continue }
    if (c === '`') {
      let n = 0
      while (s[i + n] === '`') n++
      const fence = '`'.repeat(n)
      let close = s.indexOf(fence, i + n)
      while (close !== -1 && s[close + n] === '`') close = s.indexOf(fence, close + n + 1)
      if (close !== -1) {
        let code = s.slice(i + n, close).replace(/\n/g, ' ')
        if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ')) code = code.slice(1, -1)
        out += `<code>${escapeHtml(code)}</code>`
        i = close + n
        continue
      }
      out += escapeHtml(fence)
      i += n
      continue
    }
    if (c === '[') {
      const link = parseLink(s, i)
      if (link !== null) {
        const label = renderInline(link.label)
        out += link.href === null ? label : `<a href="${escapeHtml(link.href)}" rel="noopener noreferrer" target="_blank">${label}</a>`
        i = link.end
        continue
      }
    }
    if (c === '<') {
      const m = /^<(https?:\/\/[^\s<>"'`]+)>/i.exec(s.slice(i))
      if (m !== null) {
        out += `<a href="${escapeHtml(m[1])}" rel="noopener noreferrer" target="_blank">${escapeHtml(m[1])}</a>`
        i += m[0].length
        continue
      }
    }
    if (c === '*' || c === '_') {
      const em = parseEmphasis(s, i)
      if (em !== null) {
        out += em.html
        i = em.end
        continue
      }
    }
    out += c === '\n' ? '\n' : escapeHtml(c)
    i++
  }
  return out
}

/** `[label](target)`: the target becomes a link only if it is an absolute http(s) URL. */
function parseLink(s: string, start: number): { label: string; href: string | null; end: number } | null {
  let depth = 0
  let j = start
  for (; j < s.length; j++) {
    if (s[j] === '\\') { j++; continue }
    if (s[j] === '[') depth++
    else if (s[j] === ']' && --depth === 0) break
  }
  if (j >= s.length || s[j + 1] !== '(') return null
  const close = s.indexOf(')', j + 2)
  if (close === -1) return null
  const label = s.slice(start + 1, j)
  let target = s.slice(j + 2, close).trim()
  // An optional title ("…") after the URL is dropped.
  const sp = target.search(/\s/)
  if (sp !== -1) target = target.slice(0, sp)
  if (target.startsWith('<') && target.endsWith('>')) target = target.slice(1, -1)
  const isSafe = /^https?:\/\/[^\s<>"'`\\\x00-\x1f\x7f]+$/i.test(target)
  return { label, href: isSafe ? target : null, end: close + 1 }
}

function isAlnum(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}]/u.test(c)
}

/** `*em*`, `**strong**`, `_em_`, `__strong__`: delimiters hug non-space text; `_` never splits a word. */
function parseEmphasis(s: string, start: number): { html: string; end: number } | null {
  const ch = s[start]
  let n = 0
  while (s[start + n] === ch) n++
  if (n > 3) return null
  const after = s[start + n]
  if (after === undefined || /\s/.test(after)) return null
  if (ch === '_' && isAlnum(s[start - 1])) return null
  const width = n >= 2 ? 2 : 1
  const delim = ch.repeat(width)
  let k = start + width
  while (k < s.length) {
    const idx = s.indexOf(delim, k)
    if (idx === -1) return null
    const before = s[idx - 1]
    const next = s[idx + width]
    const isClosing = idx > start + width && before !== undefined && !/\s/.test(before) &&
      (ch !== '_' || !isAlnum(next)) && (width === 2 || next !== ch || s[idx + 2] === ch)
    if (isClosing) {
      const inner = renderInline(s.slice(start + width, idx))
      const tag = width === 2 ? 'strong' : 'em'
      return { html: `<${tag}>${inner}</${tag}>`, end: idx + width }
    }
    k = idx + 1
  }
  return null
}
