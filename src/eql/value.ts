// Runtime values and events as the evaluator sees them.

/** An ECS event: a plain JSON object, nested or with dotted keys (both are read). */
export type EcsEvent = { readonly [key: string]: unknown }

export type Scalar = string | number | boolean | null
/** Arrays are multi-valued fields: a comparison matches if any value matches, as in Elasticsearch. */
export type Value = Scalar | readonly Value[]

/** Evaluates an expression; `null` follows Elasticsearch's three-valued logic. */
export type Eval = (event: EcsEvent) => Value
/** True only when the condition evaluates to true (null and false do not match). */
export type Matcher = (event: EcsEvent) => boolean
