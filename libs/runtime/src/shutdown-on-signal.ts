// How every process stops: SIGTERM or SIGINT logs "shutting down", drains once, exits 0 (1 when the
// drain fails); a second signal while draining exits 1 at once. Light imports only (the watchdog's).
import type { Logger } from "./logger.js";

export interface Drain {
  /** Log line and fields for the start of the drain ("draining"). */
  readonly fields?: Record<string, unknown>;
  /** Stops taking work and waits for what is in flight; resolves with how it ended ("drained", "timeout", ...). */
  run(): Promise<string>;
}

/** Runs `drain` between the "draining" and "drain finished" log lines, once however often it is called. */
export function drainOnce(logger: Logger, drain: Drain): () => Promise<void> {
  let draining: Promise<void> | undefined;
  return () =>
    (draining ??= (async () => {
      logger.info(drain.fields ?? {}, "draining");
      const outcome = await drain.run();
      logger.info({ outcome }, "drain finished");
    })());
}

export function shutdownOnSignal(logger: Logger, stop: () => Promise<void>): void {
  // Exit once the log lines are written, not with process.exit at once: pino writes asynchronously, and
  // its synchronous flush at exit writes the buffered lines ahead of a line still being written (seen
  // on a busy machine as "draining" before "shutting down"). A handle left open must not keep the
  // process alive, hence the unref'd timer.
  const exit = (code: number) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 1_000).unref();
  };
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "shutting down");
    stop().then(
      () => exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
