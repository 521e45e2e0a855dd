// What a prompt costs in prefill tokens: counted by a backend's /tokenize when the gateway asks it
// (GATEWAY_TOKENIZE), estimated otherwise, and the estimate calibrated by the backend's own count
// of each answered prompt.
import { InvalidArgumentError } from "@reviewlens/runtime";
import { BackendError } from "./adapters/openai-backend.js";
import type { PooledBackend } from "./backend-pool.js";
import { callerError } from "./gateway-errors.js";
import { promptText, type LlmRequest, type Prompt } from "./llm-request.js";
import type { BackendRouter } from "./routing/backend-router.js";
import { checkEstimateFitsContext } from "./scheduling/context-window.js";
import type { TokenEstimator } from "./scheduling/token-estimator.js";

export interface PromptCost {
  /** Prefill tokens, counted or estimated. */
  tokens: number;
  /** What prefix affinity hashes: the token ids when counted, the prompt's text otherwise. */
  prefix: string | number[];
  /** Gives the estimator the backend's count for the answered prompt (nothing to learn when it was counted). */
  calibrate: (promptTokens: number) => void;
}

export interface PromptCostDeps {
  estimator: Pick<TokenEstimator, "estimate" | "observe">;
  /** The backends requests may go to now (healthy, not draining). */
  healthyBackends(): PooledBackend[];
  router: Pick<BackendRouter, "choose">;
  /** The smallest context length the replicas report (max_model_len), when known. */
  contextTokens(): number | undefined;
}

// Chat template tokens Qwen2.5 adds: per message <|im_start|>role\n ... <|im_end|>\n, the default
// system prompt when none is given, and the generation prompt.
function templateOverhead(prompt: Prompt): number {
  if (prompt.kind === "text") return 0;
  const hasSystem = prompt.messages.some((m) => m.role === "system");
  return 5 * prompt.messages.length + 3 + (hasSystem ? 0 : 25);
}

export class PromptCosts {
  constructor(
    private readonly deps: PromptCostDeps,
    /** Ask a backend's /tokenize for the exact count. */
    private readonly tokenize: boolean,
  ) {}

  /** Refuses a prompt beyond the model's context before any backend work: by the estimate, then (with /tokenize) exactly. */
  async measure(request: LlmRequest, signal: AbortSignal): Promise<PromptCost> {
    const text = promptText(request.prompt);
    const overhead = templateOverhead(request.prompt);
    const { estimator } = this.deps;
    const estimate = estimator.estimate(text, overhead);
    checkEstimateFitsContext(estimate, request.sampling.maxTokens, this.deps.contextTokens(), request.promptField);
    const counted = this.tokenize ? await this.count(request, signal) : undefined;
    if (counted) return { tokens: counted.count, prefix: counted.tokens.length ? counted.tokens : text, calibrate: () => {} };
    return { tokens: estimate, prefix: text, calibrate: (promptTokens) => estimator.observe(text, promptTokens, overhead) };
  }

  /** The backend's count, or undefined when no backend has /tokenize (the estimate stands in). */
  private async count(request: LlmRequest, signal: AbortSignal) {
    const withTokenizer = this.deps.healthyBackends().filter((b) => !b.probe.missing.has("tokenize"));
    const backend = this.deps.router.choose(withTokenizer, [])?.backend;
    if (!backend) return undefined;
    try {
      const model = request.model || (await backend.api.model(signal));
      const result = await backend.probe.tokenize(request.prompt, model, signal);
      if (!result) return undefined;
      if (result.maxModelLen && result.count + request.sampling.maxTokens > result.maxModelLen) {
        throw new InvalidArgumentError(
          request.promptField ?? "request.prompt",
          `${result.count} prompt tokens plus max_tokens ${request.sampling.maxTokens} exceed the model's context of ${result.maxModelLen} tokens`,
        );
      }
      return result;
    } catch (error) {
      if (error instanceof InvalidArgumentError || signal.aborted) throw error;
      throw callerError(error instanceof BackendError ? error : new BackendError(String(error), "connection"), backend.id);
    }
  }
}
