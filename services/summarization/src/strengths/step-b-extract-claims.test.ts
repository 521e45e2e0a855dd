import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { common } from "@reviewlens/contracts";
import { UsageLedger } from "@reviewlens/analysis-core";
import { refsOf, ScriptedGateway } from "@reviewlens/analysis-core/testing";
import { getTokenizer } from "@reviewlens/tokenizer";
import { extractClaims } from "./step-b-extract-claims.js";

const env = (gateway: ScriptedGateway) => ({ gateway, tokenizer: getTokenizer(), maxPromptTokens: 2000, ledger: new UsageLedger(), priority: common.Priority.PRIORITY_STANDARD, restaurantId: "r1" });
const reviews = [
  { reviewId: "a", text: "수제 생면이 쫄깃해요", rating: 5 },
  { reviewId: "b", text: "그냥 맛있어요", rating: 4 },
];

describe("step B: extract claims", () => {
  it("turns each review's structured answer into claims attributed to that review", async () => {
    const gateway = new ScriptedGateway((request) => {
      const answers: Record<string, object[]> = { 1: [{ aspect: "taste", claim: " 수제 생면 " }, { aspect: "portion", claim: "양 많음" }], 2: [] };
      return JSON.stringify(Object.fromEntries(refsOf(request).map((ref) => [ref, answers[ref]])));
    });
    const out = await extractClaims(reviews, [], env(gateway));
    assert.deepEqual(out.claims, [
      { reviewId: "a", aspect: "taste", text: "수제 생면" },
      { reviewId: "a", aspect: "portion", text: "양 많음" },
    ]);
    assert.deepEqual(out.failed, []);
    assert.deepEqual(gateway.requests.map(refsOf), [["1"], ["2"]], "one answer per review");
  });

  it("rejects claims with an aspect outside the list and reports those reviews as failed", async () => {
    const gateway = new ScriptedGateway((request) => JSON.stringify(Object.fromEntries(refsOf(request).map((r) => [r, [{ aspect: "vibes", claim: "x" }]]))));
    const out = await extractClaims(reviews, [], env(gateway));
    assert.equal(out.claims.length, 0);
    assert.deepEqual(out.failed.map((f) => f.reviewId).sort(), ["a", "b"]);
  });
});
