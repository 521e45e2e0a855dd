// The TOP-K comparison counts what the real analyses send, against what all reviews would cost.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { generateDataset } from "@reviewlens/demo-data";
import { getTokenizer, renderQwen25Chat } from "@reviewlens/tokenizer";
import { runTopkExperiment, sizedRestaurantId, TOPK_ANALYSES, type TopkRun } from "./topk-experiment.js";

const K = 20;
const SIZES = [8, 60, 240];
const SEED = 7;

describe("runTopkExperiment", () => {
  let run: TopkRun;
  before(async () => {
    run = await runTopkExperiment({ reviewCounts: SIZES, topK: K, seed: SEED });
  });

  it("has a row per analysis and restaurant size", () => {
    assert.deepEqual(
      run.rows.map((r) => `${r.analysis}/${r.reviews}`),
      SIZES.flatMap((n) => TOPK_ANALYSES.map((a) => `${a}/${n}`)),
    );
  });

  it("never sends more prompt tokens with TOP-K than all reviews would cost", () => {
    for (const r of run.rows) {
      assert.ok(r.topKPromptTokens > 0, `${r.analysis}/${r.reviews} sent nothing`);
      assert.ok(r.topKPromptTokens <= r.allReviewsPromptTokens, `${r.analysis}/${r.reviews}: ${r.topKPromptTokens} > ${r.allReviewsPromptTokens}`);
      assert.ok(r.topKPrefillMs <= r.allReviewsPrefillMs);
    }
  });

  it("costs the same either way when the restaurant has at most K reviews", () => {
    const small = run.rows.filter((r) => r.reviews <= K);
    assert.ok(small.length > 0);
    for (const r of small.filter((x) => x.analysis !== "strengths")) {
      assert.equal(r.reviewsSent, r.reviews, `${r.analysis} sends every review of a restaurant with at most K`);
      assert.equal(r.topKPromptTokens, r.allReviewsPromptTokens, r.analysis);
      assert.equal(r.savedShare, 0);
    }
  });

  it("reports exactly the Qwen2.5 tokens of the prompts that were sent, K reviews of the right restaurant", () => {
    const tokenizer = getTokenizer();
    run.rows.forEach((r, i) => {
      const sent = run.sent[i]!;
      assert.equal(sent.length, r.prompts, `${r.analysis}/${r.reviews}: one LLM request per prompt, no retries`);
      const tokens = sent.reduce((sum, p) => sum + tokenizer.encode(renderQwen25Chat(p.messages, true)).length, 0);
      assert.equal(tokens, r.topKPromptTokens, `${r.analysis}/${r.reviews}`);
      assert.ok(sent.every((p) => p.restaurantId === sizedRestaurantId(r.reviews)));
      // A prompt is sent once per answer: count the review blocks of the distinct prompts.
      const distinct = [...new Map(sent.map((p) => [JSON.stringify(p.messages), p])).values()];
      const refs = distinct.flatMap((p) => p.messages.flatMap((m) => m.content.match(/<review ref="[A-Z]+">/g) ?? []));
      assert.equal(refs.length, r.reviewsSent, `${r.analysis}/${r.reviews}: review blocks in the prompts`);
      if (r.analysis === "strengths") assert.ok(r.reviewsSent <= Math.min(K, r.reviews));
      else assert.equal(r.reviewsSent, Math.min(K, r.reviews));
    });
  });

  it("counts every review of the restaurant on the all-reviews side", () => {
    const tokenizer = getTokenizer();
    for (const n of SIZES) {
      const reviewTokens = generateDataset({ seed: SEED, restaurants: 1, reviewsPerRestaurant: n }).reviews.reduce((sum, r) => sum + tokenizer.count(r.text), 0);
      for (const r of run.rows.filter((x) => x.reviews === n)) assert.ok(r.allReviewsPromptTokens > reviewTokens, `${r.analysis}/${n}: ${r.allReviewsPromptTokens} <= ${reviewTokens} tokens of review text alone`);
    }
  });

  it("saves a larger share as the restaurant grows", () => {
    for (const analysis of TOPK_ANALYSES) {
      const shares = run.rows.filter((r) => r.analysis === analysis).map((r) => r.savedShare);
      for (let i = 1; i < shares.length; i++) assert.ok(shares[i]! > shares[i - 1]!, `${analysis}: ${shares.join(" -> ")}`);
    }
  });
});
