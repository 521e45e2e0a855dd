// The watchdog's rule for waking a stopped pool: only when the gateway holds requests for it, and
// never twice at once. Plain domain code on an injected clock.

/**
 * - wake: the gateway holds requests for the pool and no wake is under way: start it now.
 * - waking: a start was accepted less than the wake timeout ago: wait for it, call nothing.
 * - none: nothing is held (or the gateway cannot be read): nothing to wake for.
 */
export type WakeDecision = "wake" | "waking" | "none";

export interface WakeVerdict {
  decision: WakeDecision;
  reason: string;
  /** Requests the gateway(s) hold for the pool; undefined when none could be read. */
  heldForWake: number | undefined;
}

export interface WakePolicyOptions {
  /** After a start call, how long the watchdog waits for the pool before it may call start again. */
  wakeTimeoutMs: number;
}

export class WakePolicy {
  private wokeAt: number | undefined;

  constructor(private readonly options: WakePolicyOptions) {}

  /** Judges one check; call wakeSucceeded/wakeFailed after acting on a "wake", stopSucceeded after a stop. */
  evaluate(heldForWake: number | undefined, now: number): WakeVerdict {
    const verdict = (decision: WakeDecision, reason: string): WakeVerdict => ({ decision, reason, heldForWake });
    if (heldForWake === undefined) return verdict("none", "the gateway's wake signal could not be read");
    // No request, no wake: a pool the watchdog just stopped stays stopped until someone asks for it.
    if (heldForWake === 0) return verdict("none", "no request held for the pool");
    const held = `${heldForWake} request${heldForWake === 1 ? "" : "s"} held for the pool by the gateway`;
    if (this.wokeAt !== undefined) {
      const sinceMs = now - this.wokeAt;
      if (sinceMs < this.options.wakeTimeoutMs) return verdict("waking", `${held}; a wake is under way (${seconds(sinceMs)} of the ${seconds(this.options.wakeTimeoutMs)} wake timeout)`);
      return verdict("wake", `${held}; the last wake did not bring it back within the ${seconds(this.options.wakeTimeoutMs)} wake timeout`);
    }
    return verdict("wake", held);
  }

  /** The start was accepted: no other start until the wake timeout passes or the pool is stopped again. */
  wakeSucceeded(now: number): void {
    this.wokeAt = now;
  }

  /** The start failed: the next check with requests held tries again. */
  wakeFailed(): void {}

  /** A stop went through: the next held request starts a new wake. */
  stopSucceeded(): void {
    this.wokeAt = undefined;
  }
}

const seconds = (ms: number) => `${Math.round(ms / 1_000)} s`;
