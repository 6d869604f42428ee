// What an event needs for a rule's stage to possibly match, read from the query's AST: its category and,
// when the stage's top-level AND requires a discriminating field to equal one of a few literals
// (`process.name : ("cmd.exe", "powershell.exe")`), those literals case-folded. Both are necessary
// conditions only: the rule's compiled matcher still decides.
import type { EventQuery, Expr, Query } from '../eql/index.js'

export type EqlQueryAst = Query

export interface RoutedStage {
  readonly categoryField: string
  /** null: `any where`. */
  readonly category: string | null
  readonly valueKey: { readonly field: string; readonly values: readonly string[] } | null
}

/**
 * Fields worth indexing, most selective first. The dataset and OS fields come last: weak for Windows rules
 * over Windows data, but they keep Linux, macOS and cloud rules away from Windows events. `event.type` and
 * the like are true for most events and would not narrow anything.
 */
const INDEX_FIELDS = [
  'process.name', 'process.pe.original_file_name', 'event.action', 'event.code', 'process.parent.name',
  'file.extension', 'file.name', 'dll.name', 'registry.value', 'winlog.event_id',
  'event.dataset', 'data_stream.dataset', 'event.module', 'host.os.type',
] as const
const MAX_VALUES = 64

/** The routing facts of every stage of a query (event query: one; sequence: terms plus `until`). */
export function routeStages(query: Query, categoryField: string): RoutedStage[] {
  const base = query.base
  const stages: EventQuery[] =
    base.kind === 'event' ? [base]
      : base.kind === 'sequence' ? [...base.terms.map((t) => t.query), ...(base.until ? [base.until.query] : [])]
        : base.terms.map((t) => t.query)
  return stages.map((q) => ({ categoryField, category: q.category, valueKey: valueKeyOf(q.condition) }))
}

function conjuncts(e: Expr, out: Expr[] = []): Expr[] {
  if (e.kind === 'and') for (const t of e.terms) conjuncts(t, out)
  else out.push(e)
  return out
}

function valueKeyOf(condition: Expr): RoutedStage['valueKey'] {
  const found = new Map<string, string[]>()
  for (const c of conjuncts(condition)) {
    const key = literalSet(c)
    if (key && !found.has(key.field)) found.set(key.field, key.values)
  }
  for (const field of INDEX_FIELDS) {
    const values = found.get(field)
    if (values) return { field, values }
  }
  return null
}

const isPlainAscii = (s: string): boolean => /^[\x20-\x7e]*$/.test(s)

function fieldName(e: Expr): string | null {
  return e.kind === 'field' ? e.path.join('.') : null
}

/** `f == "a"`, `f : "a"`, `f : ("a", "b")`, `f in ("a", "b")`, `f like~ "a"` without wildcards. */
function literalSet(e: Expr): { field: string; values: string[] } | null {
  const strings = (xs: readonly Expr[]): string[] | null => {
    const out: string[] = []
    for (const x of xs) {
      if (x.kind !== 'literal' || x.type !== 'string' || typeof x.value !== 'string' || !isPlainAscii(x.value)) return null
      out.push(x.value.toLowerCase())
    }
    return out.length > 0 && out.length <= MAX_VALUES ? out : null
  }
  switch (e.kind) {
    case 'compare': {
      if (e.op !== '==') return null
      const lf = fieldName(e.left)
      const rf = fieldName(e.right)
      const field = lf ?? rf
      const lit = lf ? e.right : e.left
      const values = field ? strings([lit]) : null
      return field && values ? { field, values } : null
    }
    case 'in': {
      const field = fieldName(e.value)
      const values = !e.isNegated && field ? strings(e.list) : null
      return field && values ? { field, values } : null
    }
    case 'match': {
      if (e.op === 'regex') return null
      const field = fieldName(e.value)
      if (!field) return null
      if (e.patterns.some((p) => typeof p.value !== 'string' || p.value.includes('*') || p.value.includes('?'))) return null
      const values = strings(e.patterns)
      return values ? { field, values } : null
    }
    default:
      return null
  }
}
