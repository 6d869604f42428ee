import { test } from 'node:test'
import assert from 'node:assert/strict'
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
