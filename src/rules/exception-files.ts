// Exception files → ExceptionItems. Three shapes:
// - a Kibana export (`.ndjson`): one JSON object per line — list containers, items with `entries`, and a
//   trailing `{"exported_exception_list_count": …}` summary line;
// - a detection-rules exceptions-as-code TOML (`[metadata] rule_ids …`, `[[exceptions]]`, `[[exceptions.items]]`);
// - a vigil allowlist TOML (`[[allow]]` with users, domains, hosts, source_subnets, process_paths, entries;
//   `[[value_list]]` declares Kibana value lists that `list` entries of any file refer to).
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parse as parseToml, TomlDate, TomlError } from 'smol-toml'
import { z } from 'zod'
import { fieldPath, type RuleError } from './errors.js'
import type { ExceptionEntry, ExceptionItem, ValueList } from './exceptions.js'
import { parseIpRange } from './exceptions.js'
import { indexTomlLines } from './toml-lines.js'

export type ParsedExceptions =
  | { readonly ok: true; readonly items: readonly ExceptionItem[]; readonly valueLists?: readonly ValueList[] }
  | { readonly ok: false; readonly errors: readonly RuleError[] }

const operator = z.enum(['included', 'excluded'])
const baseEntry = { field: z.string().min(1), operator }
const leafEntry = z.discriminatedUnion('type', [
  z.object({ ...baseEntry, type: z.literal('match'), value: z.string() }),
  z.object({ ...baseEntry, type: z.literal('match_any'), value: z.array(z.string()).min(1) }),
  z.object({ ...baseEntry, type: z.literal('wildcard'), value: z.string() }),
  z.object({ ...baseEntry, type: z.literal('exists') }),
  z.object({ ...baseEntry, type: z.literal('list'), list: z.object({ id: z.string().min(1), type: z.string().min(1) }) }),
])
const entrySchema = z.union([
  leafEntry,
  z.object({ field: z.string().min(1), type: z.literal('nested'), entries: z.array(leafEntry).min(1) }),
])
const commentSchema = z.union([z.string(), z.object({ comment: z.string() })])
const itemSchema = z.object({
  item_id: z.string().min(1).optional(),
  list_id: z.string().min(1),
  name: z.string(),
  description: z.string().optional(),
  type: z.literal('simple').optional(),
  entries: z.array(entrySchema).min(1),
  os_types: z.array(z.string()).optional(),
  expire_time: z.string().optional(),
  comments: z.array(commentSchema).optional(),
  namespace_type: z.enum(['single', 'agnostic']).optional(),
  tags: z.array(z.string()).optional(),
})
type ItemDoc = z.infer<typeof itemSchema>

function toItem(doc: ItemDoc, file: string, line: number | undefined, ruleIds?: readonly string[]): ExceptionItem {
  return {
    itemId: doc.item_id ?? `${doc.list_id}:${line ?? 0}`,
    listId: doc.list_id,
    name: doc.name,
    ...(doc.description !== undefined ? { description: doc.description } : {}),
    entries: doc.entries as readonly ExceptionEntry[],
    ...(doc.os_types && doc.os_types.length > 0 ? { osTypes: doc.os_types } : {}),
    ...(doc.expire_time !== undefined ? { expireTime: doc.expire_time } : {}),
    comments: (doc.comments ?? []).map((c) => (typeof c === 'string' ? c : c.comment)),
    ...(ruleIds && ruleIds.length > 0 ? { ruleIds } : {}),
    source: line === undefined ? { file } : { file, line },
  }
}

/** A Kibana exception-list export (NDJSON). Malformed lines are errors with their line number. */
export function parseKibanaExport(text: string, file: string): ParsedExceptions {
  const items: ExceptionItem[] = []
  const errors: RuleError[] = []
  const lines = text.split('\n')
  lines.forEach((raw, i) => {
    const line = i + 1
    if (raw.trim() === '') return
    let doc: unknown
    try { doc = JSON.parse(raw) } catch (e) {
      errors.push({ code: 'exceptions', file, line, message: `not JSON: ${(e as Error).message}` })
      return
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      errors.push({ code: 'exceptions', file, line, message: 'expected a JSON object' })
      return
    }
    // The export summary line and list containers carry no entries.
    if (Object.hasOwn(doc, 'exported_exception_list_count') || !Object.hasOwn(doc, 'entries')) return
    const parsed = itemSchema.safeParse(doc)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({ code: 'exceptions', file, line, field: fieldPath(issue.path), message: issue.message })
      }
      return
    }
    items.push(toItem(parsed.data, file, line))
  })
  return errors.length > 0 ? { ok: false, errors } : { ok: true, items }
}

const repoExceptionsSchema = z.object({
  metadata: z.object({ rule_ids: z.array(z.string()).optional() }).loose(),
  exceptions: z.array(z.object({
    container: z.object({ list_id: z.string() }).loose().optional(),
    items: z.array(itemSchema.extend({ list_id: z.string().min(1).optional() })).min(1),
  })),
})

const allowSchema = z.object({
  name: z.string().min(1),
  comment: z.string().optional(),
  /** ISO date-time or a TOML date/date-time: the item stops applying afterwards. */
  expires: z.union([z.string(), z.instanceof(TomlDate)]).optional(),
  rules: z.array(z.string().min(1)).optional(),
  users: z.array(z.string().min(1)).optional(),
  domains: z.array(z.string().min(1)).optional(),
  hosts: z.array(z.string().min(1)).optional(),
  source_subnets: z.array(z.string().min(1)).optional(),
  process_paths: z.array(z.string().min(1)).optional(),
  /** Raw Kibana entries; vigil adds `case_insensitive = true` for match, match_any and wildcard. */
  entries: z.array(z.union([
    z.object({ field: z.string().min(1), operator, type: z.enum(['match', 'wildcard']), value: z.string(), case_insensitive: z.boolean().optional() }),
    z.object({ field: z.string().min(1), operator, type: z.literal('match_any'), value: z.array(z.string()).min(1), case_insensitive: z.boolean().optional() }),
    entrySchema,
  ])).optional(),
}).strict()
/** A Kibana value list for `list` entries ("is in list"): values inline, or a file of one value per line. */
const valueListSchema = z.object({
  id: z.string().min(1),
  type: z.enum(['keyword', 'ip', 'ip_range', 'text', 'long', 'double', 'date', 'date_range', 'geo_point', 'geo_shape', 'binary', 'boolean', 'byte', 'float', 'half_float', 'integer', 'short', 'shape']),
  values: z.array(z.string()).optional(),
  file: z.string().min(1).optional(),
}).strict()
const allowlistSchema = z.object({
  allow: z.array(allowSchema).optional(),
  value_list: z.array(valueListSchema).optional(),
}).strict().refine((d) => (d.allow?.length ?? 0) + (d.value_list?.length ?? 0) > 0, 'an allowlist needs [[allow]] items or [[value_list]] lists')

/** Parse a TOML exception file: a vigil allowlist (`[[allow]]`) or detection-rules exceptions-as-code. */
export function parseExceptionToml(text: string, file: string): ParsedExceptions {
  let doc: unknown
  try { doc = parseToml(text) } catch (e) {
    if (e instanceof TomlError) {
      return { ok: false, errors: [{ code: 'exceptions', file, line: e.line, column: e.column,
        message: (e.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '') }] }
    }
    return { ok: false, errors: [{ code: 'exceptions', file, message: String(e) }] }
  }
  const lines = indexTomlLines(text)
  const lineOf = (path: readonly PropertyKey[]): number | undefined =>
    lines.locate(path.filter((p): p is string | number => typeof p !== 'symbol'))?.position.line
  const issues = (issuesIn: readonly z.core.$ZodIssue[]): ParsedExceptions => ({
    ok: false,
    errors: issuesIn.map((issue) => {
      const line = lineOf(issue.path)
      return { code: 'exceptions' as const, file, ...(line !== undefined ? { line } : {}), field: fieldPath(issue.path), message: issue.message }
    }),
  })

  const isRepoFormat = doc !== null && typeof doc === 'object' && Object.hasOwn(doc, 'exceptions')
  if (isRepoFormat) {
    const parsed = repoExceptionsSchema.safeParse(doc)
    if (!parsed.success) return issues(parsed.error.issues)
    const ruleIds = parsed.data.metadata.rule_ids
    const items: ExceptionItem[] = []
    parsed.data.exceptions.forEach((ex, i) => ex.items.forEach((item, j) => {
      const listId = item.list_id ?? ex.container?.list_id ?? `exceptions-${i}`
      items.push(toItem({ ...item, list_id: listId }, file, lineOf(['exceptions', i, 'items', j]), ruleIds))
    }))
    return { ok: true, items }
  }

  const parsed = allowlistSchema.safeParse(doc)
  if (!parsed.success) return issues(parsed.error.issues)
  const errors: RuleError[] = []
  const valueLists = (parsed.data.value_list ?? []).map((list, i): ValueList => {
    const values = [...(list.values ?? [])]
    if (list.file !== undefined) {
      const path = resolve(dirname(file), list.file)
      try {
        // Kibana's upload format: one value per line.
        values.push(...readFileSync(path, 'utf8').split(/\r?\n/).map((v) => v.trim()).filter((v) => v !== '' && !v.startsWith('#')))
      } catch (e) {
        errors.push({ code: 'io', file, ...lineAt(lineOf(['value_list', i, 'file'])), field: `value_list[${i}].file`, message: `${list.file}: ${(e as Error).message}` })
      }
    }
    return { id: list.id, type: list.type, values }
  })
  const items = (parsed.data.allow ?? []).map((allow, i): ExceptionItem => {
    const line = lineOf(['allow', i])
    const entries: ExceptionEntry[] = []
    const ci = { operator: 'included' as const, isCaseInsensitive: true }
    // Windows account and host names are case-insensitive, so allowlists compare them that way.
    if (allow.users) entries.push({ type: 'match_any', field: 'user.name', value: allow.users, ...ci })
    if (allow.domains) entries.push({ type: 'match_any', field: 'user.domain', value: allow.domains, ...ci })
    if (allow.hosts) entries.push({ type: 'wildcard_any', field: 'host.name', value: allow.hosts, ...ci })
    if (allow.process_paths) entries.push({ type: 'wildcard_any', field: 'process.executable', value: allow.process_paths, ...ci })
    if (allow.source_subnets) {
      allow.source_subnets.forEach((cidr, j) => {
        if (parseIpRange(cidr) === null) {
          errors.push({ code: 'exceptions', file, ...lineAt(lineOf(['allow', i, 'source_subnets'])),
            field: `allow[${i}].source_subnets[${j}]`, message: `${JSON.stringify(cidr)} is not an address, CIDR or a-b range` })
        }
      })
      entries.push({ type: 'match_any', field: 'source.ip', operator: 'included', value: allow.source_subnets })
    }
    for (const e of allow.entries ?? []) {
      if ('case_insensitive' in e) {
        const { case_insensitive: isCaseInsensitive, ...rest } = e
        entries.push({ ...rest, ...(isCaseInsensitive ? { isCaseInsensitive: true } : {}) } as ExceptionEntry)
      } else {
        entries.push(e as ExceptionEntry)
      }
    }
    if (entries.length === 0) {
      errors.push({ code: 'exceptions', file, ...lineAt(line), field: `allow[${i}]`,
        message: 'an allowlist item needs at least one of users, domains, hosts, source_subnets, process_paths, entries' })
    }
    const expires = allow.expires === undefined ? undefined
      : typeof allow.expires === 'string' ? allow.expires : allow.expires.toISOString()
    if (expires !== undefined && Number.isNaN(Date.parse(expires))) {
      errors.push({ code: 'exceptions', file, ...lineAt(lineOf(['allow', i, 'expires'])), field: `allow[${i}].expires`,
        message: `${JSON.stringify(expires)} is not a date` })
    }
    return {
      itemId: `allow:${i}`,
      listId: file,
      name: allow.name,
      entries,
      ...(allow.comment !== undefined ? { comments: [allow.comment] } : {}),
      ...(expires !== undefined ? { expireTime: expires } : {}),
      ...(allow.rules ? { ruleIds: allow.rules } : {}),
      source: line === undefined ? { file } : { file, line },
    }
  })
  return errors.length > 0 ? { ok: false, errors } : { ok: true, items, ...(valueLists.length > 0 ? { valueLists } : {}) }
}

const lineAt = (line: number | undefined): { line?: number } => (line === undefined ? {} : { line })

/** Parse exception text by file name: `.ndjson`/`.json` as a Kibana export, anything else as TOML. */
export function parseExceptionText(input: string, file: string): ParsedExceptions {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  return /\.(nd)?json$/i.test(file) ? parseKibanaExport(text, file) : parseExceptionToml(text, file)
}

export interface LoadedExceptions {
  readonly items: readonly ExceptionItem[]
  /** Value lists declared in the files, by id, for compileExceptions' `valueLists`. */
  readonly valueLists: ReadonlyMap<string, ValueList>
  readonly errors: readonly RuleError[]
}

/** Read exception files (`.ndjson`/`.json` Kibana exports, TOML allowlists or exceptions-as-code). */
export function loadExceptionFiles(paths: readonly string[]): LoadedExceptions {
  const items: ExceptionItem[] = []
  const errors: RuleError[] = []
  const valueLists = new Map<string, ValueList>()
  for (const path of paths) {
    let text: string
    try { text = readFileSync(path, 'utf8') } catch (e) {
      errors.push({ code: 'io', file: path, message: (e as Error).message })
      continue
    }
    const parsed = parseExceptionText(text, path)
    if (!parsed.ok) { errors.push(...parsed.errors); continue }
    items.push(...parsed.items)
    for (const list of parsed.valueLists ?? []) valueLists.set(list.id, list)
  }
  return { items, valueLists, errors }
}
