// Preloaded by scripts/test.sh before any test file: every fast-check property runs from one fixed seed, so
// `npm test` (and CI) is reproducible. Properties still explore: set VIGIL_FC_SEED=random for new draws
// each run (or a number to replay one); a failure prints its seed and counterexample either way.
import fc from 'fast-check'

const DEFAULT_SEED = 20261129
const env = process.env['VIGIL_FC_SEED']
if (env !== 'random') {
  const seed = env === undefined || env === '' ? DEFAULT_SEED : Number(env)
  if (!Number.isInteger(seed)) throw new Error(`VIGIL_FC_SEED must be an integer or "random", got ${JSON.stringify(env)}`)
  fc.configureGlobal({ seed })
}
