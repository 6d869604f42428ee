import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { lex, type Token } from './lexer.js'

const brief = (t: Token): string => {
  switch (t.kind) {
    case 'string': return `str${t.quote}:${t.text}`
    case 'integer': case 'float': return `${t.kind}:${t.value}`
    case 'word': return `w:${t.text}${t.hasTilde ? '~' : ''}`
    case 'quoted': return `q:${t.text}`
    case 'punct': return t.text
    case 'eof': return 'eof'
  }
}

const kinds = (text: string): string[] => lex(text).tokens.map(brief)

describe('lexer', () => {
  const cases: [string, string[]][] = [
    ['process where true', ['w:process', 'w:where', 'w:true', 'eof']],
    ['@timestamp', ['w:@timestamp', 'eof']],
    ['process.parent.name', ['w:process', '.', 'w:parent', '.', 'w:name', 'eof']],
    ['`my-field`.x', ['q:my-field', '.', 'w:x', 'eof']],
    ['`a``b`', ['q:a`b', 'eof']],
    ['like~ regex~ in~ endsWith~(', ['w:like~', 'w:regex~', 'w:in~', 'w:endsWith~', '(', 'eof']],
    ['== != <= >= < > = : !: ![ + - * / % , ( ) [ ] | ? ~', ['==', '!=', '<=', '>=', '<', '>', '=', ':', '!:', '![', '+', '-', '*', '/', '%', ',', '(', ')', '[', ']', '|', '?', '~', 'eof']],
    ['42 4.5 .5 1e3 2.5E-2 1.', ['integer:42', 'float:4.5', 'float:0.5', 'float:1000', 'float:0.025', 'float:1', 'eof']],
    ['1.e2 .5e1 3e+1 7e', ['float:100', 'float:5', 'float:30', 'integer:7', 'w:e', 'eof']],
    ['1.x', ['integer:1', '.', 'w:x', 'eof']],
    ['30s 500ms', ['integer:30', 'w:s', 'integer:500', 'w:ms', 'eof']],
    ['99999999999999999999', ['float:100000000000000000000', 'eof']],
    ['"a\\"b\\\\c\\n\\r\\t"', ['str":a"b\\c\n\r\t', 'eof']],
    ['"\\b\\f\\\'"', ['str":\b\f\'', 'eof']],
    ['"\\u{41}\\u{0001F600}"', ['str":A😀', 'eof']],
    ['"\\d+"', ['str":\\d+', 'eof']],
    ['"""C:\\Windows\\"""', ['str""":C:\\Windows\\', 'eof']],
    ['"""a "quoted" b"""', ['str""":a "quoted" b', 'eof']],
    ['"""a"""""', ['str""":a""', 'eof']],
    ['""""""', ['str""":', 'eof']],
    ['""', ['str":', 'eof']],
    ['a // comment\n b', ['w:a', 'w:b', 'eof']],
    ['a /* x /* nested */ y */ b', ['w:a', 'w:b', 'eof']],
    ['a/*x*/==/**/b', ['w:a', '==', 'w:b', 'eof']],
  ]
  for (const [text, expected] of cases) {
    it(`lexes ${JSON.stringify(text)}`, () => {
      const r = lex(text)
      assert.deepEqual(r.errors, [])
      assert.deepEqual(r.tokens.map(brief), expected)
    })
  }

  it('records token offsets', () => {
    const r = lex('a  == "x"')
    assert.deepEqual(r.tokens.map((t) => [t.start, t.end]), [[0, 1], [3, 5], [6, 9], [9, 9]])
  })

  const errors: [string, string, number, number][] = [
    // text, message (substring), start, end
    ["'abc'", 'Use double quotes ["] to define string literals', 0, 5],
    ['?"abc"', 'Use triple double quotes ["""] to define unescaped string literals, not [?"]', 0, 6],
    ["?'abc'", "not [?']", 0, 6],
    ['"abc', 'unterminated string', 0, 4],
    ['"ab\ncd', 'unterminated string', 0, 3],
    ['"""abc', 'unterminated raw string', 0, 6],
    ['`abc', 'unterminated quoted identifier', 0, 4],
    ['a /* b', 'unterminated comment', 2, 6],
    ['a # b', "token recognition error at: '#'", 2, 3],
    ['"\\u{1}"', 'Unicode sequence should use [2-8] hex digits, [\\u{1}] has [1]', 1, 6],
    ['"\\u{D800}"', 'is a surrogate code', 1, 9],
    ['"\\u{110000}"', 'Invalid unicode character code [110000]', 1, 11],
    ['"\\u41"', 'Invalid unicode escape', 1, 3],
  ]
  for (const [text, message, start, end] of errors) {
    it(`reports ${JSON.stringify(text)}`, () => {
      const r = lex(text)
      assert.equal(r.errors.length, 1, JSON.stringify(r.errors))
      assert.ok(r.errors[0]!.message.includes(message), r.errors[0]!.message)
      assert.deepEqual(r.errors[0]!.span, { start, end })
      assert.equal(r.tokens.at(-1)!.kind, 'eof')
    })
  }

  it('keeps lexing after an error', () => {
    assert.deepEqual(kinds("a == 'x' and b"), ['w:a', '==', "str':x", 'w:and', 'w:b', 'eof'])
  })
})
