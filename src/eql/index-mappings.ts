// One query over several indices (Elasticsearch `index: "a,b,c"`) sees each document with its own index's
// mapping. Field types are merged; where the same date field has different `format`s in different indices,
// the formats are joined with `||` so a value in any of them parses.
import { mergeFieldTypes, type FieldTypes } from './fieldtypes.js'

const DEFAULT_DATE_FORMAT = 'strict_date_optional_time||epoch_millis'

export function mergeIndexMappings(base: FieldTypes, next: FieldTypes): FieldTypes {
  const merged = new Map(mergeFieldTypes(base, next))
  for (const [name, t] of next) {
    const old = base.get(name)
    if (old?.kind === 'date' && t.kind === 'date' && old.format !== t.format) {
      const formats = [old.format, t.format].map((f) => f ?? DEFAULT_DATE_FORMAT)
      merged.set(name, { ...t, format: [...new Set(formats.join('||').split('||'))].join('||') })
    }
  }
  return merged
}
