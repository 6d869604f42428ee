// The 16 Elasticsearch EQL functions as data: canonical name, arity, `~` support and argument kinds.
// Names resolve case-insensitively (`cidrmatch` = `cidrMatch`), as in Elasticsearch.
import type { FunctionName } from './ast.js'

/**
 * What a literal argument must be: `string`, `number` (integer or float), `integer`, `boolean`, or `any`.
 * `constant` marks arguments Elasticsearch requires to be foldable (CIDR blocks, the `greedy` flag).
 */
export type ArgKind = 'string' | 'number' | 'integer' | 'boolean' | 'any'

export interface ArgSpec {
  readonly kind: ArgKind
  /** Must be a literal (no field reference), e.g. the CIDR blocks of `cidrMatch`. */
  readonly isConstant?: boolean
}

export interface FunctionSignature {
  readonly name: FunctionName
  readonly minArgs: number
  /** `null`: variadic (`concat`, `cidrMatch`). */
  readonly maxArgs: number | null
  /** Has a case-insensitive `name~(…)` form. */
  readonly hasInsensitiveForm: boolean
  /** Kinds of the leading arguments; `rest` applies to every argument after them. */
  readonly args: readonly ArgSpec[]
  readonly rest?: ArgSpec
}

const S: ArgSpec = { kind: 'string' }
const N: ArgSpec = { kind: 'number' }
const I: ArgSpec = { kind: 'integer' }
const A: ArgSpec = { kind: 'any' }

export const FUNCTION_SIGNATURES: readonly FunctionSignature[] = [
  { name: 'add', minArgs: 2, maxArgs: 2, hasInsensitiveForm: false, args: [N, N] },
  { name: 'between', minArgs: 3, maxArgs: 4, hasInsensitiveForm: true, args: [S, S, S, { kind: 'boolean', isConstant: true }] },
  { name: 'cidrMatch', minArgs: 2, maxArgs: null, hasInsensitiveForm: false, args: [S], rest: { kind: 'string', isConstant: true } },
  { name: 'concat', minArgs: 1, maxArgs: null, hasInsensitiveForm: false, args: [], rest: A },
  { name: 'divide', minArgs: 2, maxArgs: 2, hasInsensitiveForm: false, args: [N, N] },
  { name: 'endsWith', minArgs: 2, maxArgs: 2, hasInsensitiveForm: true, args: [S, S] },
  { name: 'indexOf', minArgs: 2, maxArgs: 3, hasInsensitiveForm: true, args: [S, S, I] },
  { name: 'length', minArgs: 1, maxArgs: 1, hasInsensitiveForm: false, args: [S] },
  { name: 'modulo', minArgs: 2, maxArgs: 2, hasInsensitiveForm: false, args: [N, N] },
  { name: 'multiply', minArgs: 2, maxArgs: 2, hasInsensitiveForm: false, args: [N, N] },
  { name: 'number', minArgs: 1, maxArgs: 2, hasInsensitiveForm: false, args: [S, I] },
  { name: 'startsWith', minArgs: 2, maxArgs: 2, hasInsensitiveForm: true, args: [S, S] },
  { name: 'string', minArgs: 1, maxArgs: 1, hasInsensitiveForm: false, args: [A] },
  { name: 'stringContains', minArgs: 2, maxArgs: 2, hasInsensitiveForm: true, args: [S, S] },
  { name: 'substring', minArgs: 2, maxArgs: 3, hasInsensitiveForm: false, args: [S, I, I] },
  { name: 'subtract', minArgs: 2, maxArgs: 2, hasInsensitiveForm: false, args: [N, N] },
]

const BY_LOWER_NAME: ReadonlyMap<string, FunctionSignature> = new Map(
  FUNCTION_SIGNATURES.map((s) => [s.name.toLowerCase(), s]),
)

/** The signature for a function name in any case (`CIDRMATCH` → cidrMatch), or undefined. */
export function lookupFunction(name: string): FunctionSignature | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase())
}

/** Known functions within edit distance 2 of `name` (case-insensitive), for "did you mean" messages. */
export function similarFunctions(name: string): FunctionName[] {
  const lower = name.toLowerCase()
  return FUNCTION_SIGNATURES.filter((s) => editDistance(lower, s.name.toLowerCase(), 2) <= 2).map((s) => s.name)
}

/** Levenshtein distance, giving up (returning max + 1) once it must exceed `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      cur.push(v)
      if (v < rowMin) rowMin = v
    }
    if (rowMin > max) return max + 1
    prev = cur
  }
  return prev[b.length]!
}

/** The spec of argument `index` (0-based), or undefined past the end of a fixed-arity function. */
export function argSpec(sig: FunctionSignature, index: number): ArgSpec | undefined {
  return index < sig.args.length ? sig.args[index] : sig.rest
}

/** Endgame EQL functions that Elasticsearch does not have, with what to write instead. */
export const ENDGAME_ONLY_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['arraycontains', 'Endgame-only function; Elasticsearch matches any value of a multi-valued field: use `field == "x"` or `field : "x"`'],
  ['arraycount', 'Endgame-only function with no Elasticsearch equivalent'],
  ['arraysearch', 'Endgame-only function; multi-valued fields match if any value matches: test the field directly'],
  ['match', 'Endgame-only function; use `field regex "…"` (or `regex~`)'],
  ['matchlite', 'Endgame-only function; use `field regex "…"` (or `regex~`)'],
  ['safe', 'Endgame-only function; Elasticsearch evaluates errors to null by itself, drop the wrapper'],
  ['wildcard', 'Endgame-only function; use `field : "pattern*"` or `field like "pattern*"`'],
])
