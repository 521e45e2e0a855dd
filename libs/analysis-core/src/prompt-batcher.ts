// Packs reviews into prompts by token count (not review count): long reviews make smaller batches,
// and no prompt exceeds its budget, checked with the exact tokenizer on the rendered prompt.
import { alignToKvBlock, MAX_PAD_TOKENS } from "./kv-block-alignment.js";
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
  /** The review blocks as rendered (texts cut to fit where they had to be). */
  blocks: string[];
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
  /**
   * Renders the messages of one batch from its review blocks; the system prefix must not depend on
   * them. `pad` (default "") goes at the very end of the last message (see alignToKvBlock).
   */
  render: (blocks: string[], pad?: string) => ChatTurn[];
  /**
   * How many times a batch of this many reviews is sent (a fan-out of answers over the same
   * prompt); default 1. A prompt sent more than once is padded to a KV block boundary.
   */
  copies?(reviews: number): number;
}

const BLOCK_SEPARATOR_TOKENS = 1;

export function planBatches<R extends BatchReview>(reviews: R[], options: BatchingOptions): BatchPlan<R> {
  const { tokenizer, render } = options;
  // Room for the alignment pad whenever the batch may be sent more than once.
  const maxPromptTokens = options.copies ? options.maxPromptTokens - MAX_PAD_TOKENS : options.maxPromptTokens;
  const overhead = chatPromptTokens(tokenizer, render([]));
  const room = maxPromptTokens - overhead;
  if (room < 16) throw new Error(`maxPromptTokens ${maxPromptTokens} leaves no room for reviews (the instructions alone take ${overhead})`);
  const truncated: string[] = [];
  const sized = reviews.map((review) => {
    let text = review.text;
    let cost = tokenizer.count(reviewBlock("999", text)) + BLOCK_SEPARATOR_TOKENS;
    if (cost > room) {
      const ids = tokenizer.encode(text);
      text = tokenizer.decode(ids.slice(0, Math.max(1, ids.length - (cost - room) - 8)));
      cost = tokenizer.count(reviewBlock("999", text)) + BLOCK_SEPARATOR_TOKENS;
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
    const blocks = group.map((g, i) => reviewBlock(refs[i]!, g.text));
    const plain = render(blocks);
    const plainTokens = chatPromptTokens(tokenizer, plain);
    // Token merges across block boundaries can differ from the per-block estimate: split, never exceed.
    if (plainTokens > maxPromptTokens && group.length > 1) {
      const half = Math.ceil(group.length / 2);
      build(group.slice(0, half));
      build(group.slice(half));
      return;
    }
    const copies = options.copies?.(group.length) ?? 1;
    const { messages, promptTokens } = copies > 1 ? alignToKvBlock((pad) => render(blocks, pad), tokenizer, { messages: plain, promptTokens: plainTokens }) : { messages: plain, promptTokens: plainTokens };
    batches.push({ reviews: group.map((g) => g.review), refs, blocks, messages, promptTokens });
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

export interface PlannedPrompt {
  messages: ChatTurn[];
  /** Sent this many times (a fan-out); default 1. */
  copies?: number;
}

/** What prompts would cost that are never sent, counted like sent ones (the all-reviews comparison). */
export function plannedUsage(prompts: PlannedPrompt[], tokenizer: PromptTokenizer, warm: ChatTurn[][] = []): PlannedUsage {
  const cache = new PrefixCacheEstimate();
  const ids = (messages: ChatTurn[]) => tokenizer.encode(tokenizer.renderChat(messages, true));
  for (const messages of warm) cache.add(ids(messages));
  let promptTokens = 0;
  let cachedPromptTokens = 0;
  for (const { messages, copies = 1 } of prompts) {
    const tokens = ids(messages);
    promptTokens += tokens.length * copies;
    cachedPromptTokens += cache.add(tokens);
    // Every further copy hits what the first one left in the cache.
    if (copies > 1) cachedPromptTokens += cache.add(tokens) * (copies - 1);
  }
  return { promptTokens, cachedPromptTokens };
}

/** What a set of reviews would cost packed and sent the same way; the instructions alone are warm in the cache. */
export function plannedPromptTokens(texts: string[], options: BatchingOptions): PlannedUsage {
  const plan = planBatches(
    texts.map((text, i) => ({ reviewId: String(i), text })),
    options,
  );
  return plannedUsage(
    plan.batches.map((b) => ({ messages: b.messages, copies: options.copies?.(b.reviews.length) ?? 1 })),
    options.tokenizer,
    [options.render([])],
  );
}
