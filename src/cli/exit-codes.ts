/** Documented exit codes of the `llm-router` CLI. */
export const EXIT = {
  OK: 0,
  /** The command ran and failed: server unreachable, build failed, a job failed. */
  FAILURE: 1,
  /** Bad input: unknown option, invalid value, missing or invalid file. */
  USAGE: 2,
  /** The named batch, schedule or workflow does not exist. */
  NOT_FOUND: 3,
  /** A batch ended (or is running) with failed documents; the others are in its output. */
  DOCUMENTS_FAILED: 4,
  /** A batch stopped at its --max-cost budget; what is done is in its output (batch resume finishes it). */
  BUDGET_REACHED: 5,
  /** A time limit (`complete --timeout`) ran out; the workflow was cancelled. The `timeout(1)` convention. */
  TIMED_OUT: 124,
  /** Interrupted (Ctrl-C) while following a job; the job itself keeps running. */
  INTERRUPTED: 130,
} as const;

/** An error whose message is already a clear one-line explanation for the user. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.FAILURE) {
    super(message);
  }
}
