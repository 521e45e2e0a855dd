// A tenant's token budget over a sliding window and its requests in flight: the arithmetic of a
// reservation (admit, or refuse with the time until the window has room), shared by the in-process
// table and mirrored by the Redis scripts. Pure.

/** A tenant's limits; an absent one is unlimited. */
export interface BudgetLimits {
  /** Prompt plus output tokens admitted within any window (tokens per minute, scaled to the window). */
  readonly tokensPerWindow?: number | undefined;
  /** Requests admitted and not yet settled. */
  readonly maxInFlight?: number | undefined;
}

export interface BudgetWindowOptions {
  /** The sliding window's length (60,000: tokens per minute). */
  readonly windowMs: number;
  /** Retry hint when the in-flight limit refuses (no window says when one ends). */
  readonly inFlightRetryMs: number;
}

export type RefusalReason = "tokens" | "in-flight" | "too-large";

export type Reservation =
  | { readonly admitted: true; readonly tokensUsed: number; readonly inFlight: number }
  | { readonly admitted: false; readonly reason: RefusalReason; readonly retryAfterMs: number; readonly tokensUsed: number; readonly inFlight: number };

/** A reservation still in the window: when it was made and the tokens it counts (settled or estimated). */
export interface WindowEntry {
  readonly at: number;
  readonly tokens: number;
}

export interface WindowState {
  /** Tokens counted in the window now (entries older than the window already dropped). */
  readonly tokensUsed: number;
  readonly inFlight: number;
  /** The window's entries, oldest first. */
  readonly entries: Iterable<WindowEntry>;
}

/**
 * Admits a request of `tokens` (its estimate) when the window has room for it and an in-flight
 * slot is free; otherwise says why and when trying again makes sense: for tokens, when enough of the
 * oldest entries leave the window for it to fit.
 */
export function decideReservation(state: WindowState, tokens: number, limits: BudgetLimits, now: number, options: BudgetWindowOptions): Reservation {
  const { tokensUsed, inFlight } = state;
  if (limits.tokensPerWindow !== undefined && tokens > limits.tokensPerWindow) {
    return { admitted: false, reason: "too-large", retryAfterMs: 0, tokensUsed, inFlight };
  }
  if (limits.maxInFlight !== undefined && inFlight >= limits.maxInFlight) {
    return { admitted: false, reason: "in-flight", retryAfterMs: options.inFlightRetryMs, tokensUsed, inFlight };
  }
  if (limits.tokensPerWindow !== undefined && tokensUsed + tokens > limits.tokensPerWindow) {
    const excess = tokensUsed + tokens - limits.tokensPerWindow;
    let freed = 0;
    let retryAfterMs = options.windowMs;
    for (const entry of state.entries) {
      freed += entry.tokens;
      if (freed >= excess) {
        retryAfterMs = Math.max(1, entry.at + options.windowMs - now);
        break;
      }
    }
    return { admitted: false, reason: "tokens", retryAfterMs, tokensUsed, inFlight };
  }
  return { admitted: true, tokensUsed: tokensUsed + tokens, inFlight: inFlight + 1 };
}

/** Tokens per minute as a budget for a window of `windowMs`. */
export function tokensPerWindow(tokensPerMinute: number | undefined, windowMs: number): number | undefined {
  return tokensPerMinute === undefined ? undefined : Math.floor((tokensPerMinute * windowMs) / 60_000);
}
