// What stops the watched GPU server, and starts it again: one implementation per system, each in its own file.

export interface Actuator {
  /** What it stops and starts, for logs and the webhook, e.g. "runpod pod abc123". Never a secret. */
  readonly target: string;
  /** Resolves when the stop was accepted; rejects with a reason a person can act on. */
  stop(signal: AbortSignal): Promise<void>;
  /** Resolves when the start was accepted (the server then loads its model); rejects with a reason a person can act on. */
  start(signal: AbortSignal): Promise<void>;
}

/** A signal that aborts when the caller's does or after `ms`, whichever comes first. */
export function withTimeout(signal: AbortSignal, ms: number): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(ms)]);
}
