// The `vigil` command line: one file per command, wired here with commander.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { runQueryCommand } from './query.js'
import { runConvertCommand } from './convert.js'
import { runHuntCommand, DEFAULT_LATENESS } from './hunt.js'
import { runRulesList, runRulesShow, runRulesTest, runRulesValidate } from './rules.js'
import { REPORT_FORMATS } from '../report/index.js'
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
    .option('--mapping <file...>', 'Elasticsearch mapping JSON giving field types ({"properties": …}); several = several indices')
    .option('--size <n>', 'return at most N results', positiveInt)
    .option('--max-samples-per-key <n>', 'samples per join key (sample queries)', positiveInt)
    .addOption(new Option('--input-format <format>', 'skip content detection').choices([...INPUT_FORMATS]))
    .option('--timestamp-field <field>', 'field that orders events', '@timestamp')
    .option('--tiebreaker <field>', 'secondary sort field for events with equal timestamps')
    .option('--event-category-field <field>', 'field holding the event category', 'event.category')
    .option('--strict', 'fail on the first malformed record instead of skipping it')
    .option('-o, --output <file>', 'write results to a file instead of stdout')
    .option('-q, --quiet', 'no summary on stderr')
    .option('--sort-memory <MiB>', 'candidate events held in memory before sorting moves to temporary files', positiveInt, 128)
    .action(async (eql: string, inputs: string[], o) => {
      process.exitCode = await runQueryCommand(eql, inputs, {
        format: o.format, mapping: o.mapping, size: o.size, maxSamplesPerKey: o.maxSamplesPerKey,
        inputFormat: o.inputFormat, timestampField: o.timestampField, tiebreaker: o.tiebreaker,
        eventCategoryField: o.eventCategoryField, strict: o.strict, quiet: o.quiet, output: o.output,
        spillBudget: o.sortMemory * 1024 * 1024,
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

  program
    .command('hunt')
    .description('hunt event files with detection rules (bundled rules by default) and report the alerts')
    .argument('<inputs...>', 'files, directories, archives, or - for stdin; any mix of formats')
    .option('--rules <paths...>', 'more rule files or directories (Elastic detection-rules TOML; e.g. a detection-rules checkout)')
    .option('--no-bundled-rules', 'do not load the bundled rules (use only --rules)')
    .option('--rule <glob...>', 'only rules whose rule_id or name matches (* and ?, case-insensitive)')
    .addOption(new Option('--min-severity <severity>', 'hide alerts below this severity (after escalation)').choices(['low', 'medium', 'high', 'critical']).default('low'))
    .option('--include-building-blocks', 'also run building-block rules (hidden by default, as in Kibana)')
    .option('--from <time>', 'only events at or after this time: ISO 8601 (2026-11-03T10:00:00Z) or relative (7d, 12h)')
    .option('--to <time>', 'only events at or before this time (same forms as --from)')
    .option('--lateness <duration>', 'reorder window: events up to this much older than the newest one seen are still put in time order (30s, 5m, 1h)', DEFAULT_LATENESS)
    .option('--exceptions <files...>', 'exception lists: Kibana export (.ndjson), detection-rules exceptions TOML, or a vigil allowlist TOML')
    .option('--allowlist <files...>', 'vigil allowlist TOML ([[allow]] users, hosts, source_subnets, process_paths); same as --exceptions')
    .addOption(new Option('--format <format>', 'output format').choices([...REPORT_FORMATS]).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--input-format <format>', 'skip content detection').choices([...INPUT_FORMATS]))
    .option('--include <glob...>', 'only files matching these globs (directories)')
    .option('--exclude <glob...>', 'skip files matching these globs (directories)')
    .option('--strict', 'fail on the first malformed record instead of skipping it')
    .option('--no-summary', 'no run summary on stderr')
    .option('--no-progress', 'no progress bar (it only ever shows on a terminal, and never when CI is set)')
    .option('--no-exit-code', 'exit 0 even when alerts are found')
    .addHelpText('after', `
Exit codes: 0 no alerts, 1 alerts found (like grep; --no-exit-code turns this off), 2 usage or rule error.

Inputs of every format are merged by event time, so a sequence whose events are in different files (a
host's Sysmon and Security logs) is found. Each file is read once to learn its start time, then files are
merged in time order, opened only when the merged stream reaches them. Events that are out of order within
a file are put back in order through a reorder window (--lateness, default ${DEFAULT_LATENESS}): an event more
than that much older than the newest event seen is "late" (counted in the summary, still detected, but a
sequence it belongs to may be missed).

Examples:
  vigil hunt samples/
  vigil hunt ./logs --rules ./detection-rules --format html -o report.html
  vigil hunt Security.evtx Sysmon.evtx --min-severity high --format ndjson | jq .`)
    .action(async (inputs: string[], o) => {
      process.exitCode = await runHuntCommand(inputs, {
        rules: o.rules, bundledRules: o.bundledRules, rule: o.rule, minSeverity: o.minSeverity,
        includeBuildingBlocks: o.includeBuildingBlocks, from: o.from, to: o.to, lateness: o.lateness,
        exceptions: [...(o.exceptions ?? []), ...(o.allowlist ?? [])], format: o.format, output: o.output,
        inputFormat: o.inputFormat, include: o.include, exclude: o.exclude, strict: o.strict,
        summary: o.summary, progress: o.progress, exitCode: o.exitCode,
      })
    })

  const rules = program.command('rules').description('validate, test, list and show detection rules')
  rules
    .command('validate')
    .description('check rule files (any Elastic detection-rules TOML); every problem with file:line and field; exit 2 if any is invalid')
    .argument('<paths...>', 'rule files or directories (a detection-rules checkout works)')
    .option('--warnings', 'also list warnings (unknown keys, repository conventions)')
    .option('--include-deprecated', 'also load rules with maturity = "deprecated"')
    .action((paths: string[], o) => {
      process.exitCode = runRulesValidate(paths, { warnings: o.warnings, includeDeprecated: o.includeDeprecated })
    })
  rules
    .command('test')
    .description("run every rule's fixtures: true positives must fire, near misses must stay silent; exit 1 on failure")
    .argument('[paths...]', 'rule files or directories (default: the bundled rules)')
    .option('--rule <glob...>', 'only rules whose rule_id or name matches')
    .action((paths: string[], o) => {
      process.exitCode = runRulesTest({ paths, rule: o.rule })
    })
  rules
    .command('list')
    .description('the rule catalogue: id, name, severity (+ when it can escalate), type, tactics')
    .argument('[paths...]', 'rule files or directories (default: the bundled rules)')
    .option('--json', 'one JSON object per rule')
    .option('--include-deprecated', 'also load rules with maturity = "deprecated"')
    .action((paths: string[], o) => {
      process.exitCode = runRulesList({ paths, json: o.json, includeDeprecated: o.includeDeprecated, width: process.stdout.isTTY ? process.stdout.columns : undefined })
    })
  rules
    .command('show')
    .description('a rule: its facts, query and investigation guide')
    .argument('<rule>', 'rule_id, name, or a glob on either')
    .option('--rules <paths...>', 'rule files or directories to search (default: the bundled rules)')
    .action((key: string, o) => {
      process.exitCode = runRulesShow(key, { paths: o.rules })
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

// Ctrl-C and kill end the run through process.exit, so 'exit' handlers (a sorting query's temporary files) run.
process.once('SIGINT', () => process.exit(130))
process.once('SIGTERM', () => process.exit(143))
await main(process.argv)
