// The hunt's progress bar on stderr: files, bytes, events/s and alerts so far. Shown only to a person
// watching a terminal: never when stderr is piped or redirected, never under CI (CI=true, as GitHub
// Actions, GitLab and most runners set it), never with --no-progress.
import cliProgress from 'cli-progress'

export interface ProgressCounts {
  readonly files: number
  readonly bytes: number
  readonly events: number
  readonly alerts: number
}

export interface Progress {
  /** Cheap to call often: the bar redraws at most a few times per second. */
  update(counts: ProgressCounts): void
  /** Removes the bar so the summary prints on a clean line. */
  stop(): void
}

/** True when a progress bar belongs on this stderr. */
export function shouldShowProgress(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stderr): boolean {
  if (stream.isTTY !== true) return false
  const ci = env.CI
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return false
  return env.TERM !== 'dumb'
}

const NONE: Progress = { update: () => {}, stop: () => {} }

/** A progress bar over `totalBytes` (sum of input file sizes), or a no-op when it should not show. */
export function createProgress(opts: { readonly totalFiles: number; readonly totalBytes: number; readonly enabled: boolean }): Progress {
  if (!opts.enabled) return NONE
  const startedAt = performance.now()
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: '{bar} {percentage}% | {files}/{totalFiles} files | {mb}/{totalMb} MB | {events} events | {rate} ev/s | {alerts} alerts',
    barsize: 24,
    fps: 5,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
  }, cliProgress.Presets.shades_classic)
  const total = Math.max(1, opts.totalBytes)
  const mb = (b: number): string => (b / (1024 * 1024)).toFixed(1)
  bar.start(total, 0, { files: 0, totalFiles: opts.totalFiles, mb: '0.0', totalMb: mb(opts.totalBytes), events: 0, rate: 0, alerts: 0 })
  let isStopped = false
  return {
    update(c) {
      if (isStopped) return
      const secs = (performance.now() - startedAt) / 1000
      bar.update(Math.min(total, c.bytes), {
        files: c.files, mb: mb(c.bytes), events: c.events, rate: secs > 0 ? Math.round(c.events / secs) : 0, alerts: c.alerts,
      })
    },
    stop() {
      if (isStopped) return
      isStopped = true
      bar.stop()
    },
  }
}
