// Calls that never reached a server's application logic are safe to send again whatever the method:
// nothing ran. A server refusing calls while it drains says so in a trailer, and the client sends
// such a call again (to another replica, round robin) even when the method is not idempotent, as it
// does a call grpc-js failed unsent for want of a ready connection. And
// while no connection is ready (the one replica drained away, the next not yet connected), a call
// waits briefly for one instead of failing at once: grpc-js fails such a call without sending it.
// Together they let a rolling restart pass without failing non-idempotent calls (Complete,
// CompleteShared before its first answer, AnalyzeRestaurant); idempotent methods are retried on any
// UNAVAILABLE by the retry middleware.
import { connectivityState } from "@grpc/grpc-js";
import { delay, rethrowAbortError } from "abort-controller-x";
import { ClientError, Metadata, Status, waitForChannelReady, type Channel, type ClientMiddleware } from "nice-grpc";

/**
 * grpc-js's words for a call its load balancer found no ready connection for: it failed the call
 * without sending it (a replica gone, the next not yet connected), so nothing ran.
 */
const NEVER_SENT = /(^|: )No connection established/;

/** Trailer of a refusal issued before the handler ran (its value says why, e.g. "draining"). */
export const UNPROCESSED_TRAILER = "reviewlens-unprocessed";

export interface UnprocessedRetryOptions {
  /** Attempts in all (the first included). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a call waits for a ready connection before it is sent anyway (and fails fast). */
  readyWaitMs: number;
}

export const DEFAULT_UNPROCESSED_RETRY: UnprocessedRetryOptions = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 2_000, readyWaitMs: 2_500 };

/** Waits until the channel has a ready connection, for at most `ms` (and never past the deadline). */
async function untilReady(channel: Channel, ms: number, deadline: Date | number | undefined): Promise<void> {
  if (channel.getConnectivityState(true) === connectivityState.READY) return;
  const until = Math.min(Date.now() + ms, deadline === undefined ? Infinity : new Date(deadline).getTime());
  await waitForChannelReady(channel, new Date(until)).catch(() => undefined); // not ready: the call fails as it would have
}

export function unprocessedRetryMiddleware(channel: Channel, options: UnprocessedRetryOptions = DEFAULT_UNPROCESSED_RETRY): ClientMiddleware<{ deadline?: Date | number }> {
  return async function* unprocessedRetry(call, callOptions) {
    const idempotent = ["IDEMPOTENT", "NO_SIDE_EFFECTS"].includes(call.method.options.idempotencyLevel ?? "");
    await untilReady(channel, options.readyWaitMs, callOptions.deadline);
    // A streamed request cannot be sent again; idempotent calls have their own retries.
    if (call.requestStream || idempotent) return yield* call.next(call.request, callOptions);
    const signal = callOptions.signal ?? new AbortController().signal;
    for (let attempt = 1; ; attempt++) {
      let unprocessed = false;
      // A streamed answer that has begun is the caller's: the call is never sent again after it.
      let answered = false;
      try {
        const responses = call.next(call.request, {
          ...callOptions,
          onTrailer(trailer: Metadata) {
            unprocessed = trailer.has(UNPROCESSED_TRAILER);
            callOptions.onTrailer?.(trailer);
          },
        });
        if (!call.responseStream) return yield* responses;
        for await (const response of responses) {
          answered = true;
          yield response;
        }
        return;
      } catch (error) {
        rethrowAbortError(error);
        if (answered || !(error instanceof ClientError) || error.code !== Status.UNAVAILABLE || attempt >= options.maxAttempts) throw error;
        if (!unprocessed && !NEVER_SENT.test(error.details)) throw error;
        const backoff = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
        await delay(signal, Math.round((backoff * (1 + Math.random())) / 2));
        await untilReady(channel, options.readyWaitMs, callOptions.deadline);
      }
    }
  };
}
