// vLLM's engine-side admission (`--max-num-queued-reqs`, `--max-num-queued-tokens`, vLLM PR #49445):
// checked before a request enters the engine, refusing with 503 so a load balancer retries it
// elsewhere. The same rules as vLLM's AsyncLLM.check_admission: the request cap counts unfinished
// requests (waiting + running) and refuses when this one would exceed it; the token cap counts the
// prompt tokens of requests still before their first token and refuses once that backlog has
// reached it (the new prompt is not added, so one large prompt always gets in on an idle engine).
import { ApiError } from "./api-error.js";

export type AdmissionRejectReason = "max_num_queued_reqs" | "max_num_queued_tokens";
export const ADMISSION_REJECT_REASONS: readonly AdmissionRejectReason[] = ["max_num_queued_reqs", "max_num_queued_tokens"];

export interface QueueLimits {
  maxNumQueuedReqs?: number | undefined;
  maxNumQueuedTokens?: number | undefined;
}

/** What the check reads from the engine at the moment a request arrives. */
export interface QueueOccupancy {
  readonly numUnfinished: number;
  readonly numPrefillBacklogTokens: number;
}

// vLLM's own messages (vllm/exceptions.py QueueOverflowError, MaxQueuedTokensError).
const MESSAGES: Record<AdmissionRejectReason, string> = {
  max_num_queued_reqs: "The engine is currently busy and cannot accept new requests. Please try again later or on a different instance.",
  max_num_queued_tokens: "The engine has reached its prefill token backlog limit. Please try again later or on a different instance.",
};

export class QueueAdmission {
  constructor(
    readonly limits: QueueLimits,
    private readonly occupancy: QueueOccupancy,
    private readonly onReject: (reason: AdmissionRejectReason) => void,
  ) {}

  /** The reason a request occupying `n` slots would be refused now, or undefined. */
  reasonToRefuse(n = 1): AdmissionRejectReason | undefined {
    const { maxNumQueuedReqs, maxNumQueuedTokens } = this.limits;
    if (maxNumQueuedReqs !== undefined && this.occupancy.numUnfinished + n > maxNumQueuedReqs) return "max_num_queued_reqs";
    if (maxNumQueuedTokens !== undefined && this.occupancy.numPrefillBacklogTokens >= maxNumQueuedTokens) return "max_num_queued_tokens";
    return undefined;
  }

  /** Throws vLLM's 503 (its error type is the status phrase, as vLLM's create_error_response sets it). */
  check(n = 1): void {
    const reason = this.reasonToRefuse(n);
    if (reason === undefined) return;
    this.onReject(reason);
    throw new ApiError(503, MESSAGES[reason], null, {}, "Service Unavailable");
  }
}
