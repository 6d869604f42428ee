// Detection rules as code: Elastic detection-rules TOML (+ vigil's [rule.vigil] extras), exceptions and
// allowlists, severity/risk/name overrides (also on sequence stages), fixtures and investigation guides.
export type { RuleError, RuleWarning, RuleErrorCode } from './errors.js'
export { renderRuleError } from './errors.js'
export type { RuleFile, RuleData, RuleMetadata, RuleThreat, RuleSeverity, AlertSuppression, VigilRuleExtras } from './schema.js'
export { SEVERITIES, ruleFileSchema } from './schema.js'
export { parseRuleText, type ParsedRuleFile } from './parse-file.js'
export { loadRules, loadRuleText, type LoadedRule, type LoadResult, type LoadOptions, type SkippedFile, type SkipReason } from './load.js'
export type { ExceptionEntry, ExceptionItem, ExceptionOperator, ValueList, CompiledExceptions, ExceptionOptions } from './exceptions.js'
export { compileExceptions, exceptionsForRule } from './exceptions.js'
export { parseExceptionText, parseKibanaExport, parseExceptionToml, type ParsedExceptions } from './exception-files.js'
export { compileOverrides, type OverrideFn, type Overridden } from './overrides.js'
export { runFixtures, readNdjson, type FixtureReport, type CaseResult, type FixtureOptions, FIXTURE_SOURCES, REQUIRED_SOURCES } from './fixtures.js'
export { renderGuide, readGuide, missingAdsSections, guideSections, ADS_SECTIONS } from './guide.js'
