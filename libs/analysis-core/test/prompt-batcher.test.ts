import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chatPromptTokens, planBatches, plannedPromptTokens, reviewsSection, type ChatTurn } from "../src/index.js";
import { charTokenizer } from "./fakes.js";
import { PrefixCacheEstimate } from "../src/prefix-cache-estimate.js";

const render = (blocks: string[]): ChatTurn[] => [
  { role: "system", content: "Label each review." },
  { role: "user", content: reviewsSection(blocks) },
];
const options = { tokenizer: charTokenizer, maxPromptTokens: 400, render };
const review = (i: number, length: number) => ({ reviewId: `rev-${i}`, text: "가".repeat(length) });

describe("planBatches", () => {
  it("keeps every prompt within the budget and every review in exactly one batch", () => {
    const reviews = Array.from({ length: 30 }, (_, i) => review(i, 10 + ((i * 37) % 90)));
    const plan = planBatches(reviews, options);
    for (const b of plan.batches) {
      assert.ok(b.promptTokens <= 400, `prompt of ${b.promptTokens} tokens`);
      assert.equal(b.promptTokens, chatPromptTokens(charTokenizer, b.messages));
    }
    const ids = plan.batches.flatMap((b) => b.reviews.map((r) => r.reviewId));
    assert.deepEqual(ids, reviews.map((r) => r.reviewId));
    assert.deepEqual(plan.truncated, []);
  });

  it("makes smaller batches of long reviews than of short ones", () => {
    const short = planBatches(Array.from({ length: 20 }, (_, i) => review(i, 20)), options);
    const long = planBatches(Array.from({ length: 20 }, (_, i) => review(i, 150)), options);
    const largest = (p: typeof short) => Math.max(...p.batches.map((b) => b.reviews.length));
    assert.ok(largest(long) < largest(short), `long ${largest(long)} vs short ${largest(short)}`);
    assert.ok(long.batches.length > short.batches.length);
  });

  it("cuts a review that cannot fit a prompt on its own and says so", () => {
    const plan = planBatches([review(1, 30), review(2, 5000)], options);
    assert.deepEqual(plan.truncated, ["rev-2"]);
    for (const b of plan.batches) assert.ok(b.promptTokens <= 400);
  });

  it("names refs per batch A, B, ... from the start of each", () => {
    const plan = planBatches(Array.from({ length: 12 }, (_, i) => review(i, 100)), options);
    assert.ok(plan.batches.length > 1);
    for (const b of plan.batches) assert.deepEqual(b.refs, [..."ABCDEFGHIJKL"].slice(0, b.reviews.length));
  });

  it("counts what all reviews would cost with the same packing", () => {
    const texts = Array.from({ length: 50 }, () => "나".repeat(60));
    const all = plannedPromptTokens(texts, options);
    const some = plannedPromptTokens(texts.slice(0, 10), options);
    assert.ok(all.promptTokens > some.promptTokens * 4, `${all.promptTokens} vs ${some.promptTokens}`);
  });

  it("counts the shared instructions of never-sent prompts as cached in whole 16-token blocks", () => {
    const texts = Array.from({ length: 50 }, (_, i) => String.fromCodePoint(0x4e00 + i).padEnd(60, "나"));
    const plan = planBatches(texts.map((text, i) => ({ reviewId: String(i), text })), options);
    const all = plannedPromptTokens(texts, options);
    assert.equal(all.promptTokens, plan.batches.reduce((n, b) => n + b.promptTokens, 0));
    // The char tokenizer's tokens are characters. The warm instructions share the system turn and
    // "<|user|><reviews>\n" with the first prompt; later prompts share with it up to their own first
    // review's text (`<review ref="A">`).
    const blocks = (n: number) => Math.floor(n / 16) * 16;
    const instructions = charTokenizer.renderChat(render([])).indexOf("\n</reviews>");
    const head = instructions + '<review ref="A">'.length;
    assert.ok(plan.batches.length > 2);
    assert.equal(all.cachedPromptTokens, blocks(instructions) + (plan.batches.length - 1) * blocks(head));
  });

  it("counts a prompt sent as several answers once in full and its copies as cached but for the last partial block", () => {
    const texts = Array.from({ length: 50 }, (_, i) => String.fromCodePoint(0x4e00 + i).padEnd(60, "나"));
    const once = plannedPromptTokens(texts, options);
    const thrice = plannedPromptTokens(texts, { ...options, copies: () => 3 });
    const plan = planBatches(texts.map((text, i) => ({ reviewId: String(i), text })), { ...options, copies: () => 3 });
    assert.equal(thrice.promptTokens, 3 * plan.batches.reduce((n, b) => n + b.promptTokens, 0));
    const copyHits = plan.batches.reduce((n, b) => n + 2 * Math.floor((b.promptTokens - 1) / 16) * 16, 0);
    assert.ok(thrice.cachedPromptTokens >= copyHits && thrice.cachedPromptTokens - copyHits <= once.cachedPromptTokens + 16 * plan.batches.length);
    for (const b of plan.batches) assert.ok(b.promptTokens <= 400, "the alignment pad stays within the budget");
  });

  it("refuses a budget the instructions alone exceed", () => {
    assert.throws(() => planBatches([review(1, 10)], { ...options, maxPromptTokens: 40 }), /no room for reviews/);
  });
});

describe("PrefixCacheEstimate", () => {
  it("serves whole blocks of the longest prefix shared with an earlier prompt, never the last token", () => {
    const cache = new PrefixCacheEstimate(4);
    const seq = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
    assert.equal(cache.add(seq(10)), 0);
    assert.equal(cache.add(seq(10)), 8, "the same 10 tokens: two full blocks, the last token is computed");
    assert.equal(cache.add(seq(8)), 4, "8 tokens: the second block holds the last token");
    assert.equal(cache.add([...seq(6), 99, 98, 97]), 4, "diverging inside the second block");
    assert.equal(cache.add([1, ...seq(9)]), 0, "a different first block shares nothing");
  });

  it("keeps a block's place in the chain: equal blocks after different prefixes do not hit", () => {
    const cache = new PrefixCacheEstimate(2);
    cache.add([1, 2, 3, 4, 5]);
    assert.equal(cache.add([9, 9, 3, 4, 5]), 0);
  });
});
