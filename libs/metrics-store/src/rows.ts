// The rows the store keeps (SPEC.md section 8), as the rest of the code sees them.

export type AnalysisOutcome = "completed" | "skipped" | "failed";

/** One analysis RPC's outcome: one row of analysis_metrics. */
export interface AnalysisMetricsRow {
  readonly restaurantId: string;
  readonly analysisType: string;
  readonly status: AnalysisOutcome;
  readonly processingTimeMs: number;
  readonly tokensUsed: number;
  /** Prompt tokens of the analysis' LLM requests, of which cachedPromptTokens came from the prefix cache. */
  readonly promptTokens?: number;
  readonly cachedPromptTokens?: number;
  readonly outputTokens?: number;
  readonly reviewsConsidered: number;
  readonly batchSize: number;
  readonly cacheHit: boolean;
  readonly errorCount: number;
  readonly warningCount: number;
  readonly createdAt?: Date;
}

/** One LLM request as the gateway measured it: one row of vllm_metrics. */
export interface VllmMetricsRow {
  /** Unique per request; a retried write of the same request is stored once. */
  readonly requestId: string;
  readonly restaurantId?: string | undefined;
  readonly analysisType?: string | undefined;
  /** Whose request it was (the gateway's tenant; default when unnamed). */
  readonly tenant?: string | undefined;
  readonly priority: string;
  readonly backend: string;
  readonly queueMs: number;
  readonly ttftMs: number;
  readonly prefillMs: number;
  readonly decodeMs: number;
  readonly e2eMs: number;
  readonly promptTokens: number;
  /** Of promptTokens, served from the backend's prefix cache (usage.prompt_tokens_details.cached_tokens). */
  readonly cachedPromptTokens?: number;
  readonly outputTokens: number;
  readonly tpotMs: number;
  readonly tokensPerS: number;
  readonly metSlo: boolean;
  readonly createdAt?: Date;
}

/** analysis_state: what the last attempt and the last success of (restaurant, analysis) were. */
export interface AnalysisState {
  readonly restaurantId: string;
  readonly analysisType: string;
  readonly lastSuccessAt: Date | undefined;
  readonly lastAttemptAt: Date;
  /** Review count and representative-vector version the last success was computed from. */
  readonly reviewCount: number | undefined;
  readonly vectorVersion: number | undefined;
  /** Fencing number of the lock holder that wrote this row last. */
  readonly fencing: number;
  readonly lastResult: unknown;
}

/** An attempt to record; `success` is set when the analysis succeeded. */
export interface AnalysisStateWrite {
  readonly restaurantId: string;
  readonly analysisType: string;
  readonly fencing: number;
  readonly attemptAt: Date;
  readonly success?: {
    readonly at: Date;
    readonly reviewCount: number;
    readonly vectorVersion: number;
    readonly result: unknown;
  };
}

/** written; stale: refused, a holder with a higher fencing number wrote since; deferred: the
 * database is unreachable, the write is queued and retried. */
export type StateWriteOutcome = "written" | "stale" | "deferred";
