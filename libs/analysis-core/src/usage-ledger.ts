// Token and timing accounting of one analysis, summed over all its LLM requests (retries included).
import type { common, inference } from "@reviewlens/contracts";

export interface UsageTotals {
  llmRequests: number;
  promptTokens: number;
  /** Of promptTokens, served from the backend's prefix cache (the rest the GPU computed). */
  cachedPromptTokens: number;
  outputTokens: number;
  /** What sending every review of the restaurant would have cost in prompt tokens (same packing). */
  allReviewsPromptTokens: number;
  /** Of allReviewsPromptTokens, what a prefix cache would have served (shared block-aligned prefixes). */
  allReviewsCachedPromptTokens: number;
  queueMs: number;
  ttftMs: number;
  prefillMs: number;
  decodeMs: number;
  e2eMs: number;
}

export class UsageLedger {
  private totals: UsageTotals = {
    llmRequests: 0,
    promptTokens: 0,
    cachedPromptTokens: 0,
    outputTokens: 0,
    allReviewsPromptTokens: 0,
    allReviewsCachedPromptTokens: 0,
    queueMs: 0,
    ttftMs: 0,
    prefillMs: 0,
    decodeMs: 0,
    e2eMs: 0,
  };
  private largestBatch = 0;

  record(response: Pick<inference.CompleteResponse, "usage" | "timings">): void {
    const t = this.totals;
    t.llmRequests += 1;
    t.promptTokens += response.usage?.promptTokens ?? 0;
    t.cachedPromptTokens += response.usage?.cachedPromptTokens ?? 0;
    t.outputTokens += response.usage?.outputTokens ?? 0;
    t.queueMs += response.timings?.queueMs ?? 0;
    t.ttftMs += response.timings?.ttftMs ?? 0;
    t.prefillMs += response.timings?.prefillMs ?? 0;
    t.decodeMs += response.timings?.decodeMs ?? 0;
    t.e2eMs += response.timings?.e2eMs ?? 0;
  }

  addAllReviewsPromptTokens(tokens: { promptTokens: number; cachedPromptTokens: number }): void {
    this.totals.allReviewsPromptTokens += tokens.promptTokens;
    this.totals.allReviewsCachedPromptTokens += tokens.cachedPromptTokens;
  }

  noteBatchSize(reviews: number): void {
    this.largestBatch = Math.max(this.largestBatch, reviews);
  }

  get batchSize(): number {
    return this.largestBatch;
  }

  snapshot(): UsageTotals {
    return { ...this.totals };
  }

  usage(): common.TokenUsage {
    const t = this.totals;
    return {
      promptTokens: t.promptTokens,
      outputTokens: t.outputTokens,
      totalTokens: t.promptTokens + t.outputTokens,
      allReviewsPromptTokens: t.allReviewsPromptTokens,
      cachedPromptTokens: t.cachedPromptTokens,
      allReviewsCachedPromptTokens: t.allReviewsCachedPromptTokens,
    };
  }

  /** Durations are sums over requests; TPOT and tokens/s are over all decoded tokens. */
  timings(): common.RequestTimings {
    const t = this.totals;
    const decodedAfterFirst = Math.max(0, t.outputTokens - t.llmRequests);
    return {
      queueMs: t.queueMs,
      ttftMs: t.ttftMs,
      prefillMs: t.prefillMs,
      decodeMs: t.decodeMs,
      e2eMs: t.e2eMs,
      tpotMs: decodedAfterFirst > 0 ? t.decodeMs / decodedAfterFirst : 0,
      tokensPerSecond: t.decodeMs > 0 ? (t.outputTokens * 1000) / t.decodeMs : 0,
    };
  }
}
