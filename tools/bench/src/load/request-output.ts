// What one benchmark request produced, in seconds, as vllm bench serve's RequestFuncOutput.

export type BenchPriority = "interactive" | "standard" | "batch";

export interface BenchRequest {
  prompt: string;
  /** Prompt tokens by the model's tokenizer. */
  promptLen: number;
  /** max_tokens asked for. */
  outputLen: number;
  priority?: BenchPriority;
  /** A label the experiments group by (e.g. "small" / "large"). */
  kind?: string;
}

export interface RequestOutput {
  success: boolean;
  error: string;
  generatedText: string;
  promptLen: number;
  /** Output tokens the server reported (usage), else counted chunks. */
  outputTokens: number;
  /** Time to first token. */
  ttft: number;
  /** Gaps between streamed chunks after the first. */
  itl: number[];
  /** Send to last token. */
  latency: number;
  /** When the request was sent, from the start of the run. */
  startTime: number;
  kind?: string | undefined;
  /** A failure's status: the gRPC code name (RESOURCE_EXHAUSTED) or "HTTP 429". */
  status?: string;
  /** The retry delay a refusal asked for (grpc-retry-pushback-ms, Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** Send to the failure. */
  failedAfter?: number;
  /** What the server reported of the request's time, when it does (the gateway over gRPC), seconds. */
  serverTimings?: { queue: number; ttft: number };
}

/** How a request failed, as far as the target could tell. */
export interface FailureDetails {
  status?: string | undefined;
  retryAfterMs?: number | undefined;
  /** performance.now() when the request was sent. */
  sentAt?: number;
}

export function failedOutput(request: BenchRequest, error: unknown, startTime: number, details: FailureDetails = {}): RequestOutput {
  return {
    success: false,
    error: error instanceof Error ? error.message : String(error),
    generatedText: "",
    promptLen: request.promptLen,
    outputTokens: 0,
    ttft: 0,
    itl: [],
    latency: 0,
    startTime,
    kind: request.kind,
    ...(details.status !== undefined ? { status: details.status } : {}),
    ...(details.retryAfterMs !== undefined ? { retryAfterMs: details.retryAfterMs } : {}),
    ...(details.sentAt !== undefined ? { failedAfter: (performance.now() - details.sentAt) / 1000 } : {}),
  };
}

/** Wall-clock seconds to the simulator's virtual seconds (time scale 0.1 runs 10x faster than real). */
export function toVirtualTime(output: RequestOutput, timeScale: number): RequestOutput {
  if (timeScale === 1) return output;
  return {
    ...output,
    ttft: output.ttft / timeScale,
    itl: output.itl.map((v) => v / timeScale),
    latency: output.latency / timeScale,
    startTime: output.startTime / timeScale,
    ...(output.failedAfter !== undefined ? { failedAfter: output.failedAfter / timeScale } : {}),
    ...(output.serverTimings ? { serverTimings: { queue: output.serverTimings.queue / timeScale, ttft: output.serverTimings.ttft / timeScale } } : {}),
  };
}
