// Asks the LLM one structured answer per review, for many reviews: packs them into prompts by token
// budget and fans each prompt out into answers of a few reviews each, all sent at once. The copies
// of a prompt are the same text (only the schema names the reviews an answer is for), so vLLM's
// prefix cache computes the prompt once and the short answers decode side by side.
import type { common } from "@reviewlens/contracts";
import { afterDispatch } from "./after-dispatch.js";
import { alignSystemPrompt } from "./kv-block-alignment.js";
import type { LlmGateway } from "./llm-gateway.js";
import { planBatches, plannedPromptTokens, type BatchReview, type BatchingOptions, type ReviewBatch } from "./prompt-batcher.js";
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
  /** Closing instruction after the reviews (constant; "" for none: it is computed again for every prompt, the system prompt is cached). */
  instruction: string;
  /** JSON schema of one review's answer. */
  answerSchema: object;
  /**
   * What an answer must meet to be kept, when looser than the decoding schema: a limit a structured
   * output backend may not enforce (maxProperties) is then applied by the task instead of costing a
   * retry and the review's answer.
   */
  validationSchema?: object;
  outputTokensPerReview: number;
  /** Reviews one answer covers (1: an answer per review); the rest of the prompt's reviews are context. */
  reviewsPerAnswer: number;
  /**
   * A review's answer asked in parts side by side, each over its own copy of the prompt (an object
   * answer's keys split among them), and merged into one object: shorter answers, more of them.
   * Default one part, the task's own schema.
   */
  answerParts?: AnswerPart[];
}

/** One part of a review's answer: its schema and the output it may take. */
export type AnswerPart = Pick<PerReviewTask, "answerSchema" | "validationSchema" | "outputTokensPerReview">;

export interface TaskEnvironment {
  gateway: LlmGateway;
  tokenizer: PromptTokenizer;
  maxPromptTokens: number;
  ledger: UsageLedger;
  priority: common.Priority;
  restaurantId: string;
  signal?: AbortSignal | undefined;
  /** Overrides the task's output tokens per review (max_tokens of an answer grows with its reviews). */
  outputTokensPerReview?: number | undefined;
  /** Overrides the task's reviews per answer. */
  reviewsPerAnswer?: number | undefined;
}

export interface PerReviewOutcome<A> {
  answers: Map<string, A>;
  failed: Array<{ reviewId: string; reason: string }>;
  warnings: string[];
  /** Prompts packed by the token budget (each sent once per answer and part). */
  batches: number;
  /** Requests sent: an answer per review group and part. */
  answersAsked: number;
}

/** Answers over a prompt of `reviews` reviews when each covers `perAnswer` of them. */
export const answersFor = (reviews: number, perAnswer: number): number => Math.ceil(reviews / Math.max(1, perAnswer));

export function batchingFor(
  task: Pick<PerReviewTask, "systemPrompt" | "instruction" | "reviewsPerAnswer" | "answerParts">,
  env: Pick<TaskEnvironment, "tokenizer" | "maxPromptTokens" | "reviewsPerAnswer">,
): BatchingOptions {
  const perAnswer = env.reviewsPerAnswer ?? task.reviewsPerAnswer;
  const systemPrompt = alignSystemPrompt(task.systemPrompt, env.tokenizer);
  return {
    tokenizer: env.tokenizer,
    maxPromptTokens: env.maxPromptTokens,
    render: (blocks, pad = ""): ChatTurn[] => [
      { role: "system", content: systemPrompt },
      { role: "user", content: `${reviewsSection(blocks)}${task.instruction ? `\n${task.instruction}` : ""}${pad}` },
    ],
    copies: (reviews) => answersFor(reviews, perAnswer) * (task.answerParts?.length ?? 1),
  };
}

/** Every ref is required and nothing else is allowed, so a valid answer covers each of its reviews exactly once. */
export function perReviewSchema(refs: string[], answerSchema: object): object {
  return {
    type: "object",
    properties: Object.fromEntries(refs.map((ref) => [ref, answerSchema])),
    required: refs,
    additionalProperties: false,
  };
}

/** Splits a prompt's review indexes into consecutive answers of at most `perAnswer` reviews. */
export function answerGroups(reviews: number, perAnswer: number): number[][] {
  const size = Math.max(1, perAnswer);
  return Array.from({ length: answersFor(reviews, size) }, (_, a) => Array.from({ length: Math.min(size, reviews - a * size) }, (_, i) => a * size + i));
}

// The JSON around the answers ({, }, EOS) besides each review's own tokens.
const ANSWER_FRAME_TOKENS = 8;

/**
 * `onAnswer` sees each review's valid answer as it arrives, so a caller can start work on the early
 * answers while the longest still decodes.
 */
export async function runPerReviewTask<R extends BatchReview, A>(
  reviews: R[],
  allReviewTexts: string[],
  task: PerReviewTask,
  env: TaskEnvironment,
  onAnswer?: (review: R, answer: A) => void,
): Promise<PerReviewOutcome<A>> {
  const batching = batchingFor(task, env);
  const perAnswer = env.reviewsPerAnswer ?? task.reviewsPerAnswer;
  const plan = planBatches(reviews, batching);
  const warnings = plan.truncated.map((id) => `review ${id} was cut to fit the prompt budget of ${env.maxPromptTokens} tokens`);
  const answers = new Map<string, A>();
  const failed: Array<{ reviewId: string; reason: string }> = [];
  const parts: AnswerPart[] = task.answerParts ?? [task];
  let answersAsked = 0;
  const ask = (batch: ReviewBatch<R>, refs: string[], part: AnswerPart) => {
    answersAsked++;
    return completeStructured<Record<string, A>>(
      env.gateway,
      {
        name: task.name,
        messages: batch.messages,
        schema: perReviewSchema(refs, part.answerSchema),
        ...(part.validationSchema ? { validationSchema: perReviewSchema(refs, part.validationSchema) } : {}),
        maxTokens: ANSWER_FRAME_TOKENS + (env.outputTokensPerReview ?? part.outputTokensPerReview) * refs.length,
        priority: env.priority,
        restaurantId: env.restaurantId,
        analysisType: task.analysisType,
      },
      env.ledger,
      env.signal,
    );
  };
  // The reviews of one answer: whole once every part is in, merged in the parts' order (not their
  // arrival's); one part's failure fails them.
  const answerGroup = (batch: ReviewBatch<R>, group: number[]) => {
    const refs = group.map((i) => batch.refs[i]!);
    const partAnswers: Array<Record<string, A>> = [];
    let partsOut = parts.length;
    let error: string | undefined;
    return parts.map(async (part, p) => {
      const outcome = await ask(batch, refs, part);
      if (outcome.ok) partAnswers[p] = outcome.value;
      else error ??= outcome.error;
      if (--partsOut > 0) return;
      for (const [k, i] of group.entries()) {
        const review = batch.reviews[i]!;
        if (error !== undefined) {
          failed.push({ reviewId: review.reviewId, reason: error });
          continue;
        }
        const answer = parts.length === 1 ? partAnswers[0]![refs[k]!]! : (Object.assign({}, ...partAnswers.map((a) => a[refs[k]!])) as A);
        answers.set(review.reviewId, answer);
        onAnswer?.(review, answer);
      }
    });
  };
  const asked = Promise.all(
    plan.batches.flatMap((batch) => {
      env.ledger.noteBatchSize(batch.reviews.length);
      return answerGroups(batch.reviews.length, perAnswer).flatMap((group) => answerGroup(batch, group));
    }),
  );
  await afterDispatch(asked, () => env.ledger.addAllReviewsPromptTokens(plannedPromptTokens(allReviewTexts, batching)));
  return { answers, failed, warnings, batches: plan.batches.length, answersAsked };
}
