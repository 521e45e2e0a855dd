// An LLM gateway client that passes every request on and records what it cost: when it was sent and
// answered, its prompt tokens, how many of them the backend's prefix cache served, its output tokens.
// From the records of one analysis its prompt plan is read back (planOfRequests).
import type { LlmGateway } from "@reviewlens/analysis-core";
import type { inference } from "@reviewlens/contracts";
import type { PromptPlan } from "./latency-model.js";

export interface RecordedRequest {
  /** response_format name: what the request is for (review_sentiment, review_summary, ...). */
  name: string;
  sentMs: number;
  answeredMs: number;
  promptTokens: number;
  cachedTokens: number;
  outputTokens: number;
}

export class RecordingGateway implements LlmGateway {
  records: RecordedRequest[] = [];

  constructor(private readonly inner: LlmGateway) {}

  async complete(request: inference.CompleteRequest, options?: { signal?: AbortSignal }): Promise<inference.CompleteResponse> {
    const sentMs = performance.now();
    const response = await this.inner.complete(request, options);
    const usage = response.usage;
    this.records.push({
      name: request.request?.jsonSchema?.name ?? "text",
      sentMs,
      answeredMs: performance.now(),
      promptTokens: usage?.promptTokens ?? 0,
      cachedTokens: usage?.cachedPromptTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
    });
    return response;
  }

  /** The records since the last call. */
  take(): RecordedRequest[] {
    const out = this.records;
    this.records = [];
    return out;
  }
}

/** Requests of one kind make a stage, stages in the order they were first sent (a retry joins its kind's stage). */
export function planOfRequests(records: readonly RecordedRequest[]): PromptPlan {
  const stages = new Map<string, PromptPlan["stages"][number]>();
  for (const r of [...records].sort((a, b) => a.sentMs - b.sentMs)) {
    let stage = stages.get(r.name);
    if (!stage) stages.set(r.name, (stage = { name: r.name, requests: [] }));
    stage.requests.push({ promptTokens: r.promptTokens, cachedTokens: r.cachedTokens, outputTokens: r.outputTokens });
  }
  return { stages: [...stages.values()] };
}
