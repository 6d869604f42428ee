// Event queries: every matching event is a result, in event order. Events without a timestamp still run.
import type { CompiledQuery } from '../eql/index.js'
import type { Emit, Engine, EngineStats } from './engine.js'

type EventQuery = Extract<CompiledQuery, { kind: 'event' }>

export interface EventQuerySnapshot { readonly kind: 'event'; readonly stats: EngineStats }

export function createEventQueryEngine(q: EventQuery, emit: Emit, restore?: { snap: EventQuerySnapshot }): Engine {
  const stats: EngineStats = { events: 0, untimed: 0, late: 0, partials: 0, expired: 0 }
  if (restore) Object.assign(stats, restore.snap.stats)
  const match = q.match
  return {
    push: (rec) => {
      stats.events++
      if (rec.timestampMs === null) stats.untimed++
      if (match(rec.event)) emit({ kind: 'event', record: rec })
    },
    advanceTo: () => {},
    end: () => {},
    stats: () => ({ ...stats, pending: 0 }),
    snapshot: (): EventQuerySnapshot => ({ kind: 'event', stats: { ...stats } }),
  }
}
