import { test } from 'node:test'
import assert from 'node:assert/strict'
import { renderMarkdown, renderInline, escapeHtml } from './markdown.js'

test('inline: every construct, and everything else escaped', () => {
  const cases: [string, string][] = [
    ['plain & <b>bold</b>', 'plain &amp; &lt;b&gt;bold&lt;/b&gt;'],
    ['*em* and **strong** and __s__ and _e_', '<em>em</em> and <strong>strong</strong> and <strong>s</strong> and <em>e</em>'],
    ['snake_case_name stays', 'snake_case_name stays'],
    ['`a <b> *c*`', '<code>a &lt;b&gt; *c*</code>'],
    ['`` a`b ``', '<code>a`b</code>'],
    ['MITRE ATT\\&CK \\*not em\\*', 'MITRE ATT&amp;CK *not em*'],
    ['[T1021](https://attack.mitre.org/techniques/T1021/)', '<a href="https://attack.mitre.org/techniques/T1021/" rel="noopener noreferrer" target="_blank">T1021</a>'],
    ['[x](javascript:alert(1))', 'x)'],
    ['[x](data:text/html,hi)', 'x'],
    ['[x](HTTP://a.example/?q="1")', 'x'],
    ['[x](https://a.example/ "title")', '<a href="https://a.example/" rel="noopener noreferrer" target="_blank">x</a>'],
    ['<https://b.example/p?a=1&b=2>', '<a href="https://b.example/p?a=1&amp;b=2" rel="noopener noreferrer" target="_blank">https://b.example/p?a=1&amp;b=2</a>'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['<img src=x onerror="alert(1)">', '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'],
    ['[**bold link**](https://x.example/)', '<a href="https://x.example/" rel="noopener noreferrer" target="_blank"><strong>bold link</strong></a>'],
    ['a * b * c', 'a * b * c'],
    ['unclosed `tick', 'unclosed `tick'],
  ]
  for (const [md, html] of cases) assert.equal(renderInline(md), html, md)
})

test('blocks: headings, lists with nested code, quotes, rules', () => {
  const md = [
    '# Goal', '', 'Detect **wmic** use.', '', '## Validation', '',
    '1. From host A run:', '', '   ```bash', '   wmic /node:192.168.1.20 process call create "calc.exe"', '   ```',
    '2. Check the SIEM', '   for the alert.', '', '* one', '  * nested <i>', '* two', '', '> quoted _text_', '', '---', '',
    '```', '<script>x</script>', '```',
  ].join('\n')
  const html = renderMarkdown(md, { headingOffset: 1 })
  assert.equal(html, [
    '<h2>Goal</h2>',
    '<p>Detect <strong>wmic</strong> use.</p>',
    '<h3>Validation</h3>',
    '<ol>',
    '<li><p>From host A run:</p>',
    '<pre><code class="language-bash">wmic /node:192.168.1.20 process call create &quot;calc.exe&quot;</code></pre></li>',
    '<li>Check the SIEM\nfor the alert.</li>',
    '</ol>',
    '<ul>',
    '<li>one',
    '<ul>',
    '<li>nested &lt;i&gt;</li>',
    '</ul></li>',
    '<li>two</li>',
    '</ul>',
    '<blockquote><p>quoted <em>text</em></p></blockquote>',
    '<hr>',
    '<pre><code>&lt;script&gt;x&lt;/script&gt;</code></pre>',
  ].join('\n'))
})

test('no raw HTML survives any input (property over hostile fragments)', () => {
  const fragments = ['<', '>', '"', "'", '&', '*', '_', '`', '[', ']', '(', ')', 'javascript:', 'https://x/', '\n', ' ', '#', '- ', '1. ', '> ', '```', '\\', 'a', 'on', '=']
  let seed = 7
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
  for (let n = 0; n < 2000; n++) {
    let s = ''
    const len = Math.floor(rnd() * 30)
    for (let k = 0; k < len; k++) s += fragments[Math.floor(rnd() * fragments.length)]
    const html = renderMarkdown(s)
    // Strip the tags we emit; what is left must contain no markup characters at all.
    const text = html.replace(/<\/?(?:p|h[1-6]|ul|ol|li|pre|code(?: class="language-[A-Za-z0-9_+-]+")?|blockquote|hr|br|em|strong)>/g, '')
      .replace(/<a href="https?:\/\/[^"<>]*" rel="noopener noreferrer" target="_blank">|<\/a>/g, '')
      .replace(/<ol start="\d+">/g, '')
    assert.ok(!/[<>"']/.test(text), `unescaped markup for ${JSON.stringify(s)}: ${html}`)
    assert.ok(!/href="(?!https?:)/i.test(html), `unsafe link for ${JSON.stringify(s)}`)
  }
})

test('escapeHtml', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
})
