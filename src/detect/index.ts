// The detection engine: compiled EQL queries over ordered event streams (event queries, sequences,
// samples, missing events), a reorder buffer for out-of-order input, and snapshot/restore.
export type { EventRecord, QueryResult } from './types.js'
export { createRunner, restoreRunner, stageTest, type Runner, type RunnerOptions, type RunnerSnapshot, type RunnerStats } from './runner.js'
export { createReorderBuffer, DEFAULT_LATENESS_MS, DEFAULT_MAX_BUFFERED, type ReorderBuffer, type ReorderOptions, type ReorderStats } from './reorder.js'
export { runQuery, sortEventRecords, type RunQueryOptions } from './run-query.js'
export { compareOrdered, compareScalars, heapPop, heapPush, tiebreakerScalar } from './order.js'
export { createStreamDetector, restoreStreamDetector, type StreamDetector, type StreamOptions, type StreamSnapshot } from './stream.js'
export type { ReorderSnapshot } from './reorder.js'
export { createRuleSet, type RuleSet, type RuleSetRule, type RuleSetOptions } from './ruleset.js'
