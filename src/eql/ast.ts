// The EQL abstract syntax tree (Elasticsearch dialect). Nodes are plain readonly objects with a `kind`
// and a `span` (offsets into the query text); line and column are computed only when printing errors.

export interface Span { readonly start: number; readonly end: number }

/** A literal value. Integers and floats stay distinct because `divide` and `string()` depend on it. */
export interface Literal {
  readonly kind: 'literal'
  readonly type: 'string' | 'integer' | 'float' | 'boolean' | 'null'
  readonly value: string | number | boolean | null
  readonly span: Span
}

/** A field reference: `process.parent.name`, `` `my-field`.x ``, `?optional.field`. */
export interface Field {
  readonly kind: 'field'
  /** Path segments as written, unquoted (`['process', 'parent', 'name']`). */
  readonly path: readonly string[]
  /** `?field`: not an error if unknown; a null join-key value is kept instead of dropping the event. */
  readonly isOptional: boolean
  readonly span: Span
}

export interface Not { readonly kind: 'not'; readonly operand: Expr; readonly span: Span }

/** `a and b and c` is one node with three terms; a parenthesised `and` inside stays a nested node. */
export interface And { readonly kind: 'and'; readonly terms: readonly Expr[]; readonly span: Span }
export interface Or { readonly kind: 'or'; readonly terms: readonly Expr[]; readonly span: Span }

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>='
export interface Compare {
  readonly kind: 'compare'
  readonly op: CompareOp
  readonly left: Expr
  readonly right: Expr
  readonly span: Span
}

/** `x in (…)`, `x not in (…)`, `x in~ (…)`, `x not in~ (…)`. */
export interface In {
  readonly kind: 'in'
  readonly value: Expr
  readonly list: readonly Expr[]
  readonly isNegated: boolean
  readonly isCaseInsensitive: boolean
  readonly span: Span
}

/**
 * `x : "a*"`, `x like~ ("a", "b?")`, `x regex "[a-z]+"`. `:` is always case-insensitive with wildcards (its
 * `isCaseInsensitive` flag is false: the flag records a written `~`);
 * `like` uses wildcards; `regex` is a Lucene regexp anchored at both ends. Patterns are string literals.
 */
export interface Match {
  readonly kind: 'match'
  readonly op: ':' | 'like' | 'regex'
  readonly isCaseInsensitive: boolean
  readonly value: Expr
  readonly patterns: readonly Literal[]
  /** Written as a parenthesised list (kept so the printer renders what the author wrote). */
  readonly isList: boolean
  readonly span: Span
}

export type ArithOp = '+' | '-' | '*' | '/' | '%'
export interface Arith {
  readonly kind: 'arith'
  readonly op: ArithOp
  readonly left: Expr
  readonly right: Expr
  readonly span: Span
}

/** Unary minus on a non-literal (`-x`). A minus before a number literal folds into the literal. */
export interface Negate { readonly kind: 'negate'; readonly operand: Expr; readonly span: Span }

/** A function call; `name` is the canonical spelling (`cidrMatch`), whatever case the author used. */
export interface Call {
  readonly kind: 'call'
  readonly name: FunctionName
  readonly isCaseInsensitive: boolean
  readonly args: readonly Expr[]
  readonly span: Span
}

export type FunctionName =
  | 'add' | 'between' | 'cidrMatch' | 'concat' | 'divide' | 'endsWith' | 'indexOf' | 'length'
  | 'modulo' | 'multiply' | 'number' | 'startsWith' | 'string' | 'stringContains' | 'substring'
  | 'subtract'

export type Expr = Literal | Field | Not | And | Or | Compare | In | Match | Arith | Negate | Call

/** `process where …`, `any where …`, `"my-category" where …`. `category` null means `any`. */
export interface EventQuery {
  readonly kind: 'event'
  readonly category: string | null
  readonly condition: Expr
  readonly span: Span
}

/** One bracketed term of a sequence or sample, with its own `by` keys. */
export interface Term {
  readonly query: EventQuery
  /** The term's own `by` keys (the top-level `sequence by` keys are NOT included here). */
  readonly keys: readonly Expr[]
  /** `![ … ]`: a missing-event stage (sequences only). */
  readonly isMissing: boolean
  /** `with runs=N` (1 when absent); the engine expands it into N copies of the term. */
  readonly runs: number
  readonly span: Span
}

export type TimeUnit = 'ms' | 's' | 'm' | 'h' | 'd'
export interface Maxspan { readonly value: number; readonly unit: TimeUnit; readonly ms: number; readonly span: Span }

export interface Sequence {
  readonly kind: 'sequence'
  /** Top-level `sequence by …` keys, prepended to every term's own keys. */
  readonly keys: readonly Expr[]
  readonly maxspan: Maxspan | null
  readonly terms: readonly Term[]
  readonly until: Term | null
  readonly span: Span
}

export interface Sample {
  readonly kind: 'sample'
  readonly keys: readonly Expr[]
  readonly terms: readonly Term[]
  readonly span: Span
}

export interface Pipe { readonly kind: 'head' | 'tail'; readonly count: number; readonly span: Span }

export interface Query {
  readonly base: EventQuery | Sequence | Sample
  readonly pipes: readonly Pipe[]
  readonly span: Span
}

export function assertNever(x: never): never {
  throw new Error(`unexpected node: ${JSON.stringify(x)}`)
}
