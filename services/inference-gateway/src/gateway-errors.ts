// The gateway's refusals and failures as domain errors; the edges answer them by their category
// (libs/runtime's error mapping for gRPC, http/openai-error-reply.ts for the facade).
import { NotStartedError, OverloadedError, RequestRefusedError, UnavailableError } from "@reviewlens/runtime";
import { BackendError } from "./adapters/openai-backend.js";
import type { BackpressureReason } from "./scheduling/backend-backpressure.js";
import type { OverloadDecision } from "./scheduling/overload-refusal.js";

/** Shutting down: the request never reached a backend, so the client may send it to another replica whatever the method. */
export class GatewayShuttingDown extends NotStartedError {
  constructor() {
    super("the gateway is shutting down; retry on another replica");
  }
}

export class NoHealthyBackend extends UnavailableError {
  constructor() {
    super("no healthy backend; retry shortly", 1_000);
  }
}

/** The pool is waking from zero and the caller's deadline ends before it is expected to be ready. */
export class PoolWakesAfterDeadline extends UnavailableError {
  constructor(expectedInMs: number, deadlineInMs: number) {
    super(
      `the backend pool is waking from zero and is expected ready in ${seconds(expectedInMs)}, after this request's deadline (${seconds(Math.max(0, deadlineInMs))}); retry then`,
      Math.round(expectedInMs),
    );
  }
}

/** A request held for a waking pool waited its wake timeout and the pool is still not ready. */
export class PoolWakeTimedOut extends UnavailableError {
  constructor(waitedMs: number, retryAfterMs: number) {
    super(`the backend pool did not wake within ${seconds(waitedMs)} (the wake timeout); retry later`, Math.round(retryAfterMs));
  }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** A backend failed (connection, 5xx, a broken stream) and the request could not be retried elsewhere. */
export class BackendFailed extends UnavailableError {
  constructor(
    readonly backendId: string,
    cause: string,
  ) {
    super(`backend ${backendId} failed: ${cause}`);
  }
}

/** The backend refused the request itself (400/422: e.g. a schema or parameter it does not take). */
export class BackendRefusedRequest extends RequestRefusedError {
  constructor(cause: string) {
    // The backend's message may quote the request (a model name, a prompt): an excerpt is enough.
    super(`request: the backend refused it: ${cause.slice(0, 300)}`);
  }
}

/** Refused by overload refusal: the queue is full, or the work ahead makes its TTFT deadline unmeetable. */
export class GatewayOverloaded extends OverloadedError {
  constructor(readonly decision: Extract<OverloadDecision, { refuse: true }>) {
    super(overloadMessage(decision), decision.retryAfterMs);
  }
}

function overloadMessage(decision: Extract<OverloadDecision, { refuse: true }>): string {
  switch (decision.reason) {
    case "queue-full":
      return `the gateway's queue is full (${decision.queueLength} requests); retry later`;
    case "deadline-unmeetable":
      return `the TTFT deadline of ${decision.deadlineMs} ms cannot be met: its first token is about ${Math.round(decision.expectedTtftMs)} ms away (${decision.requestsAhead} requests queued ahead of it)`;
    case "pace-unknown":
      return `the TTFT deadline of ${decision.deadlineMs} ms cannot be promised: ${decision.requestsAhead} requests are queued ahead and the backends' pace is not measured yet`;
  }
}

/** A backend's own admission refused it (503/429) and the request cannot wait longer for room. */
export class BackendAtCapacity extends OverloadedError {
  constructor(backendId: string, reason: BackpressureReason, retryAfterMs: number) {
    super(`backend ${backendId} is at its admission limit (${reason}) and the request cannot wait longer for room; retry later`, retryAfterMs);
  }
}

/** Over its tenant's budget (tokens in the window, or requests in flight): retry once the window has room. */
export class TenantOverBudget extends OverloadedError {
  constructor(
    readonly tenant: string,
    readonly reason: "tokens" | "in-flight",
    limits: { tokensPerWindow?: number | undefined; maxInFlight?: number | undefined },
    tokensUsed: number,
    inFlight: number,
    windowMs: number,
    retryAfterMs: number,
  ) {
    super(
      reason === "tokens"
        ? `tenant ${tenant} is over its token budget (${tokensUsed} of ${limits.tokensPerWindow} tokens in the last ${windowMs / 1_000} s); the window has room again in ${retryAfterMs} ms`
        : `tenant ${tenant} has ${inFlight} requests in flight, its limit (${limits.maxInFlight}); retry when one has finished`,
      retryAfterMs,
    );
  }
}

/** The request alone needs more tokens than its tenant's whole budget per window: it can never be admitted. */
export class TenantRequestExceedsBudget extends RequestRefusedError {
  constructor(tenant: string, estimatedTokens: number, tokensPerWindow: number, windowMs: number) {
    super(`request: its estimate of ${estimatedTokens} tokens (prompt plus max_tokens) exceeds tenant ${tenant}'s whole budget of ${tokensPerWindow} tokens per ${windowMs / 1_000} s; lower max_tokens`);
  }
}

/** The shared budget store is unreachable and the deployment refuses budgeted requests meanwhile. */
export class BudgetStoreDown extends UnavailableError {
  constructor(tenant: string) {
    super(`tenant ${tenant}'s budget cannot be checked: the budget store is unreachable (GATEWAY_BUDGET_REDIS_DOWN=refuse); retry shortly`, 1_000);
  }
}

/** A backend's failure as the caller gets it; anything else (an abort, a domain error) unchanged. */
export function callerError(error: unknown, backendId: string): unknown {
  if (!(error instanceof BackendError)) return error;
  return error.kind === "rejected" ? new BackendRefusedRequest(error.message) : new BackendFailed(backendId, error.message);
}
