// Packs reviews into prompts by token count (not review count): long reviews make smaller batches,
// and no prompt exceeds its budget, checked with the exact tokenizer on the rendered prompt.
import { PrefixCacheEstimate } from "./prefix-cache-estimate.js";
import { chatPromptTokens, type ChatTurn, type PromptTokenizer } from "./prompt-tokenizer.js";
import { refFor, reviewBlock } from "./review-delimiting.js";

export interface BatchReview {
  reviewId: string;
  text: string;
}

export interface ReviewBatch<R extends BatchReview = BatchReview> {
  /** refs[i] is the prompt reference of reviews[i]. */
  reviews: R[];
  refs: string[];
  messages: ChatTurn[];
  promptTokens: number;
}

export interface BatchPlan<R extends BatchReview = BatchReview> {
  batches: Array<ReviewBatch<R>>;
  /** Reviews whose text was cut to fit a prompt on its own. */
  truncated: string[];
}

export interface BatchingOptions {
  tokenizer: PromptTokenizer;
  /** Largest prompt (chat template, instructions and reviews) in tokens. */
  maxPromptTokens: number;
  /** Renders the messages of one batch from its review blocks; the system prefix must not depend on them. */
  render(blocks: string[]): ChatTurn[];
}

const BLOCK_SEPARATOR_TOKENS = 1;

export function planBatches<R extends BatchReview>(reviews: R[], options: BatchingOptions): BatchPlan<R> {
  const { tokenizer, maxPromptTokens, render } = options;
  const overhead = chatPromptTokens(tokenizer, render([]));
  const room = maxPromptTokens - overhead;
  if (room < 16) throw new Error(`maxPromptTokens ${maxPromptTokens} leaves no room for reviews (the instructions alone take ${overhead})`);
  const truncated: string[] = [];
  const sized = reviews.map((review) => {
    let text = review.text;
    let cost = tokenizer.count(reviewBlock("R000", text)) + BLOCK_SEPARATOR_TOKENS;
    if (cost > room) {
      const ids = tokenizer.encode(text);
      text = tokenizer.decode(ids.slice(0, Math.max(1, ids.length - (cost - room) - 8)));
      cost = tokenizer.count(reviewBlock("R000", text)) + BLOCK_SEPARATOR_TOKENS;
      truncated.push(review.reviewId);
    }
    return { review, text, cost };
  });

  const groups: Array<typeof sized> = [];
  let current: typeof sized = [];
  let used = 0;
  for (const item of sized) {
    if (current.length > 0 && used + item.cost > room) {
      groups.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += item.cost;
  }
  if (current.length > 0) groups.push(current);

  const batches: Array<ReviewBatch<R>> = [];
  const build = (group: typeof sized): void => {
    const refs = group.map((_, i) => refFor(i));
    const messages = render(group.map((g, i) => reviewBlock(refs[i]!, g.text)));
    const promptTokens = chatPromptTokens(tokenizer, messages);
    // Token merges across block boundaries can differ from the per-block estimate: split, never exceed.
    if (promptTokens > maxPromptTokens && group.length > 1) {
      const half = Math.ceil(group.length / 2);
      build(group.slice(0, half));
      build(group.slice(half));
      return;
    }
    batches.push({ reviews: group.map((g) => g.review), refs, messages, promptTokens });
  };
  for (const group of groups) build(group);
  return { batches, truncated };
}

export interface PlannedUsage {
  promptTokens: number;
  /** What a warm prefix cache would serve: the instructions every such prompt shares, and the
   * block-aligned prefixes the prompts share with each other. */
  cachedPromptTokens: number;
}

/** What prompts would cost that are never sent, counted like sent ones (the all-reviews comparison). */
export function plannedUsage(prompts: ChatTurn[][], tokenizer: PromptTokenizer, warm: ChatTurn[][] = []): PlannedUsage {
  const cache = new PrefixCacheEstimate();
  const ids = (messages: ChatTurn[]) => tokenizer.encode(tokenizer.renderChat(messages, true));
  for (const messages of warm) cache.add(ids(messages));
  let promptTokens = 0;
  let cachedPromptTokens = 0;
  for (const messages of prompts) {
    const tokens = ids(messages);
    promptTokens += tokens.length;
    cachedPromptTokens += cache.add(tokens);
  }
  return { promptTokens, cachedPromptTokens };
}

/** What a set of reviews would cost packed the same way; the instructions alone are warm in the cache. */
export function plannedPromptTokens(texts: string[], options: BatchingOptions): PlannedUsage {
  const plan = planBatches(
    texts.map((text, i) => ({ reviewId: String(i), text })),
    options,
  );
  return plannedUsage(plan.batches.map((b) => b.messages), options.tokenizer, [options.render([])]);
}
