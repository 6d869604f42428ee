// Errors that end a command with a message and exit code 2 (usage, invalid query, invalid rule).
export class UsageError extends Error {
  readonly exitCode = 2
}
