import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chatPromptTokens, planBatches, plannedPromptTokens, reviewsSection, type ChatTurn } from "../src/index.js";
import { charTokenizer } from "./fakes.js";

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

  it("numbers refs per batch from R1", () => {
    const plan = planBatches(Array.from({ length: 12 }, (_, i) => review(i, 100)), options);
    assert.ok(plan.batches.length > 1);
    for (const b of plan.batches) assert.deepEqual(b.refs, b.reviews.map((_, i) => `R${i + 1}`));
  });

  it("counts what all reviews would cost with the same packing", () => {
    const texts = Array.from({ length: 50 }, () => "나".repeat(60));
    const all = plannedPromptTokens(texts, options);
    const some = plannedPromptTokens(texts.slice(0, 10), options);
    assert.ok(all > some * 4, `${all} vs ${some}`);
  });

  it("refuses a budget the instructions alone exceed", () => {
    assert.throws(() => planBatches([review(1, 10)], { ...options, maxPromptTokens: 40 }), /no room for reviews/);
  });
});
