// Asks the LLM one structured answer per review, for many reviews: packs them into prompts by token
// budget, sends every batch at once, and returns each review's answer or why it has none.
import type { common } from "@reviewlens/contracts";
import type { LlmGateway } from "./llm-gateway.js";
import { planBatches, plannedPromptTokens, type BatchReview, type BatchingOptions } from "./prompt-batcher.js";
import type { ChatTurn, PromptTokenizer } from "./prompt-tokenizer.js";
import { reviewsSection } from "./review-delimiting.js";
import { completeStructured } from "./structured-completion.js";
import type { UsageLedger } from "./usage-ledger.js";

export interface PerReviewTask {
  /** response_format name and analysis type for attribution. */
  name: string;
  analysisType: string;
  /** Instructions and the answer's shape; identical for every batch so the prefix cache serves it. */
  systemPrompt: string;
  /** Closing instruction after the reviews (constant). */
  instruction: string;
  /** JSON schema of one review's answer. */
  answerSchema: object;
  outputTokensPerReview: number;
}

export interface TaskEnvironment {
  gateway: LlmGateway;
  tokenizer: PromptTokenizer;
  maxPromptTokens: number;
  ledger: UsageLedger;
  priority: common.Priority;
  restaurantId: string;
  signal?: AbortSignal;
  /** Overrides the task's output tokens per review (max_tokens of a batch grows with its reviews). */
  outputTokensPerReview?: number;
}

export interface PerReviewOutcome<A> {
  answers: Map<string, A>;
  failed: Array<{ reviewId: string; reason: string }>;
  warnings: string[];
  batches: number;
}

export function batchingFor(task: Pick<PerReviewTask, "systemPrompt" | "instruction">, env: Pick<TaskEnvironment, "tokenizer" | "maxPromptTokens">): BatchingOptions {
  return {
    tokenizer: env.tokenizer,
    maxPromptTokens: env.maxPromptTokens,
    render: (blocks): ChatTurn[] => [
      { role: "system", content: task.systemPrompt },
      { role: "user", content: `${reviewsSection(blocks)}\n${task.instruction}` },
    ],
  };
}

/** Every ref is required and nothing else is allowed, so a valid answer covers each review exactly once. */
export function perReviewSchema(refs: string[], answerSchema: object): object {
  return {
    type: "object",
    properties: Object.fromEntries(refs.map((ref) => [ref, answerSchema])),
    required: refs,
    additionalProperties: false,
  };
}

export async function runPerReviewTask<R extends BatchReview, A>(
  reviews: R[],
  allReviewTexts: string[],
  task: PerReviewTask,
  env: TaskEnvironment,
): Promise<PerReviewOutcome<A>> {
  const batching = batchingFor(task, env);
  const plan = planBatches(reviews, batching);
  env.ledger.addAllReviewsPromptTokens(plannedPromptTokens(allReviewTexts, batching));
  const warnings = plan.truncated.map((id) => `review ${id} was cut to fit the prompt budget of ${env.maxPromptTokens} tokens`);
  const answers = new Map<string, A>();
  const failed: Array<{ reviewId: string; reason: string }> = [];
  await Promise.all(
    plan.batches.map(async (batch) => {
      env.ledger.noteBatchSize(batch.reviews.length);
      const outcome = await completeStructured<Record<string, A>>(
        env.gateway,
        {
          name: task.name,
          messages: batch.messages,
          schema: perReviewSchema(batch.refs, task.answerSchema),
          maxTokens: 64 + (env.outputTokensPerReview ?? task.outputTokensPerReview) * batch.reviews.length,
          priority: env.priority,
          restaurantId: env.restaurantId,
          analysisType: task.analysisType,
        },
        env.ledger,
        env.signal,
      );
      batch.reviews.forEach((review, i) => {
        if (outcome.ok) answers.set(review.reviewId, outcome.value[batch.refs[i]!]!);
        else failed.push({ reviewId: review.reviewId, reason: outcome.error });
      });
    }),
  );
  return { answers, failed, warnings, batches: plan.batches.length };
}
