// `vigil convert <inputs…> --to ecs-ndjson`: normalized ECS events, one per line, in input order.
import type { InputFormat } from '../ingest/index.js'
import { readEvents } from './events.js'
import { countProblem, createSummary, renderSummary } from './summary.js'
import { createLineWriter } from './output.js'

export interface ConvertOptions {
  readonly to: 'ecs-ndjson'
  readonly output?: string
  readonly inputFormat?: InputFormat
  readonly strict?: boolean
  readonly include?: string[]
  readonly exclude?: string[]
  readonly quiet?: boolean
}

export async function runConvertCommand(paths: readonly string[], opts: ConvertOptions): Promise<number> {
  const summary = createSummary()
  const out = createLineWriter(opts.output)
  for await (const rec of readEvents(paths, { summary, format: opts.inputFormat, strict: opts.strict, include: opts.include, exclude: opts.exclude })) {
    let line: string
    try {
      line = rec.text ?? JSON.stringify(rec.event)
    } catch (e) {
      // only a document nested thousands deep (and not kept as text) overflows the stack here
      countProblem(summary, { source: rec.source ?? { file: '(unknown)' }, reason: `cannot serialize: ${(e as Error).message}` })
      continue
    }
    await out.write(line + '\n')
    if (out.isClosed()) break // `vigil convert … | head`: stop reading
  }
  await out.close()
  if (!opts.quiet) process.stderr.write(renderSummary(summary) + '\n')
  return 0
}
