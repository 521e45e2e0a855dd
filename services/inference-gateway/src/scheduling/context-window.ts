// A prompt that cannot fit the model's context is refused in the gateway, before any backend work.
// Without /tokenize its length is an estimate, so only a prompt beyond the context by more than the
// estimator's error is refused here; the backend's own check (or /tokenize) judges the rest.
import { InvalidArgumentError } from "@reviewlens/runtime";

/** How far above the true count an estimate may be: the estimate is divided by it before comparing. */
export const ESTIMATE_MARGIN = 1.25;

/** Throws INVALID_ARGUMENT when even the lowest plausible prompt length plus max_tokens exceeds the context. */
export function checkEstimateFitsContext(estimatedPromptTokens: number, maxTokens: number, contextTokens: number | undefined, field = "request.prompt"): void {
  if (contextTokens === undefined) return;
  const lowest = Math.floor(estimatedPromptTokens / ESTIMATE_MARGIN);
  if (lowest + maxTokens > contextTokens) {
    throw new InvalidArgumentError(
      field,
      `about ${estimatedPromptTokens} prompt tokens (at least ${lowest}) plus max_tokens ${maxTokens} exceed the model's context of ${contextTokens} tokens`,
    );
  }
}
