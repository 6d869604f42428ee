// The `vigil` command line: one file per command, wired here with commander.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { runQueryCommand } from './query.js'
import { runConvertCommand } from './convert.js'
import { UsageError } from './errors.js'
import { StrictModeError } from './events.js'

const INPUT_FORMATS = ['ndjson', 'json', 'xml', 'evtx'] as const

function positiveInt(v: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer')
  return n
}

export function buildProgram(): Command {
  const program = new Command('vigil')
    .description('Elastic-compatible EQL detections over Windows telemetry')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()

  program
    .command('query')
    .description('run one EQL query over event files (ECS NDJSON/JSON, Windows XML, EVTX, evtx_dump JSONL, …)')
    .argument('<eql>', 'the EQL query')
    .argument('<inputs...>', 'files, directories, archives, or - for stdin')
    .addOption(new Option('--format <format>', 'output format').choices(['ndjson', 'json', 'table']).default('ndjson'))
    .option('--mapping <file>', 'Elasticsearch mapping JSON giving field types ({"properties": …})')
    .option('--size <n>', 'return at most N results', positiveInt)
    .option('--max-samples-per-key <n>', 'samples per join key (sample queries)', positiveInt)
    .addOption(new Option('--input-format <format>', 'skip content detection').choices([...INPUT_FORMATS]))
    .option('--timestamp-field <field>', 'field that orders events', '@timestamp')
    .option('--tiebreaker <field>', 'secondary sort field for events with equal timestamps')
    .option('--event-category-field <field>', 'field holding the event category', 'event.category')
    .option('--strict', 'fail on the first malformed record instead of skipping it')
    .option('-o, --output <file>', 'write results to a file instead of stdout')
    .option('-q, --quiet', 'no summary on stderr')
    .action(async (eql: string, inputs: string[], o) => {
      process.exitCode = await runQueryCommand(eql, inputs, {
        format: o.format, mapping: o.mapping, size: o.size, maxSamplesPerKey: o.maxSamplesPerKey,
        inputFormat: o.inputFormat, timestampField: o.timestampField, tiebreaker: o.tiebreaker,
        eventCategoryField: o.eventCategoryField, strict: o.strict, quiet: o.quiet, output: o.output,
      })
    })

  program
    .command('convert')
    .description('normalize Windows telemetry to ECS, one JSON event per line')
    .argument('<inputs...>', 'files, directories, archives, or - for stdin')
    .addOption(new Option('--to <format>', 'output format').choices(['ecs-ndjson']).default('ecs-ndjson'))
    .addOption(new Option('--input-format <format>', 'skip content detection').choices([...INPUT_FORMATS]))
    .option('--include <glob...>', 'only files matching these globs (directories)')
    .option('--exclude <glob...>', 'skip files matching these globs (directories)')
    .option('--strict', 'fail on the first malformed record instead of skipping it')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('-q, --quiet', 'no summary on stderr')
    .action(async (inputs: string[], o) => {
      process.exitCode = await runConvertCommand(inputs, {
        to: o.to, output: o.output, inputFormat: o.inputFormat, strict: o.strict, include: o.include, exclude: o.exclude, quiet: o.quiet,
      })
    })

  return program
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv])
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version end with 0; every other commander error is a usage error (exit 2).
      process.exitCode = e.exitCode === 0 ? 0 : 2
      return
    }
    if (e instanceof UsageError || e instanceof StrictModeError) {
      process.stderr.write(`vigil: ${e.message}\n`)
      process.exitCode = 2
      return
    }
    throw e
  }
}

await main(process.argv)
