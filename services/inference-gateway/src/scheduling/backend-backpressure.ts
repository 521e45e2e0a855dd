// A backend's own admission refusing a request (vLLM's --max-num-queued-reqs / --max-num-queued-tokens
// answer 503, vLLM PR #49445; other servers 429) is backpressure: the request goes back to the
// gateway's queue, unless it cannot wait that long.

export type BackpressureReason = "max_num_queued_reqs" | "max_num_queued_tokens" | "rate_limited" | "unavailable";

/** Which cap refused it, read from vLLM's messages (vllm/exceptions.py); other servers by status. */
export function backpressureReason(httpStatus: number | undefined, message: string): BackpressureReason {
  if (/prefill token backlog/i.test(message)) return "max_num_queued_tokens";
  if (/currently busy and cannot accept new requests/i.test(message)) return "max_num_queued_reqs";
  return httpStatus === 429 ? "rate_limited" : "unavailable";
}

export interface RequeueCheck {
  now: number;
  /** When this request was first pushed back. */
  since: number;
  /** How long the backend is paused for. */
  pauseMs: number;
  /** The longest a request is requeued before it is refused. */
  maxWaitMs: number;
  /** Its TTFT deadline (absolute), if it has one. */
  deadlineAt?: number | undefined;
}

/** Whether the request can wait for room again: within the requeue budget and its TTFT deadline. */
export function canWaitForRoom(c: RequeueCheck): boolean {
  const readyAt = c.now + c.pauseMs;
  if (readyAt - c.since > c.maxWaitMs) return false;
  return c.deadlineAt === undefined || readyAt < c.deadlineAt;
}
