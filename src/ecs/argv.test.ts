import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { splitArgvW, splitNaive } from './argv.js'

// Worked examples of reference §7, measured against both algorithms.
const cases: Array<[string, string[], string[]]> = [
  [
    '"C:\\Windows\\System32\\Wbem\\WMIC.exe" /node:HOST02 process call create "net user /add backdoor pa$$w0rd1"',
    ['C:\\Windows\\System32\\Wbem\\WMIC.exe', '/node:HOST02', 'process', 'call', 'create', 'net user /add backdoor pa$$w0rd1'],
    ['"C:\\Windows\\System32\\Wbem\\WMIC.exe"', '/node:HOST02', 'process', 'call', 'create', '"net user /add backdoor pa$$w0rd1"'],
  ],
  ['wmic /node:"127.0.0.1" process call create calc.exe',
    ['wmic', '/node:127.0.0.1', 'process', 'call', 'create', 'calc.exe'],
    ['wmic', '/node:"127.0.0.1"', 'process', 'call', 'create', 'calc.exe']],
  ['ping  -n 6 127.0.0.1 ', ['ping', '-n', '6', '127.0.0.1'], ['ping', '', '-n', '6', '127.0.0.1', '']],
  ['cmd.exe /c "echo \\"hi\\" & dir C:\\a\\\\"', ['cmd.exe', '/c', 'echo "hi" & dir C:\\a\\'], ['cmd.exe', '/c', '"echo \\"hi\\" & dir C:\\a\\\\"']],
  ['powershell -c "a ""quoted"" b"', ['powershell', '-c', 'a "quoted', 'b'], ['powershell', '-c', '"a ""quoted"" b"']],
  ['"C:\\Windows\\system32\\notepad.exe" ', ['C:\\Windows\\system32\\notepad.exe'], ['"C:\\Windows\\system32\\notepad.exe"', '']],
  ['', [], []],
  ['   ', [], ['', '', '', '']],
  ['a\\\\b c\\', ['a\\\\b', 'c\\'], ['a\\\\b', 'c\\']],
  ['a\\\\\\"b', ['a\\"b'], ['a\\\\\\"b']],
  ['"unterminated arg', ['unterminated arg'], ['"unterminated arg']],
  ['x\ty\r\nz', ['x', 'y\r\nz'], ['x', 'y', '', 'z']],
]

test('process.args splitters (reference §7 worked examples)', () => {
  for (const [cmd, argvw, naive] of cases) {
    assert.deepEqual(splitArgvW(cmd), argvw, `argvw ${JSON.stringify(cmd)}`)
    assert.deepEqual(splitNaive(cmd), naive, `naive ${JSON.stringify(cmd)}`)
  }
})

// The rules of splitArgvW's doc comment, char by char, as a reference for the faster run-copying version.
function splitArgvWReference(cmd: string): string[] {
  const args: string[] = []
  let i = 0
  const n = cmd.length
  while (i < n) {
    if (cmd[i] === ' ' || cmd[i] === '\t') { i++; continue }
    let arg = ''
    let inQuote = false
    let slashes = 0
    for (; i < n; i++) {
      const c = cmd[i]!
      if ((c === ' ' || c === '\t') && !inQuote) break
      if (c === '\\') { slashes++; continue }
      if (c === '"') {
        arg += '\\'.repeat(slashes >> 1)
        if (slashes % 2 === 1) arg += '"'
        else if (inQuote && cmd[i + 1] === '"') { arg += '"'; i++; inQuote = false }
        else inQuote = !inQuote
      } else {
        arg += '\\'.repeat(slashes) + c
      }
      slashes = 0
    }
    arg += '\\'.repeat(slashes)
    args.push(arg)
    if (i < n) i++
  }
  return args
}

test('splitArgvW agrees with the char-by-char rules on random command lines', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom('a', 'b', '\\', '"', ' ', '\t', 'é', '\n'), { maxLength: 40 }), (chars) => {
    const cmd = chars.join('')
    assert.deepEqual(splitArgvW(cmd), splitArgvWReference(cmd), JSON.stringify(cmd))
  }), { numRuns: 3000 })
  for (const [cmd, argvw] of cases) assert.deepEqual(splitArgvWReference(cmd), argvw, `reference ${JSON.stringify(cmd)}`)
})
