import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { common } from "@reviewlens/contracts";
import { runPerReviewTask, UsageLedger, type PerReviewTask } from "../src/index.js";
import { charTokenizer, messagesOf, refsOf, ScriptedGateway } from "./fakes.js";

const task: PerReviewTask = {
  name: "mood",
  analysisType: "sentiment",
  systemPrompt: "Say the mood of each review.",
  instruction: "Answer for every ref.",
  answerSchema: { type: "object", properties: { mood: { enum: ["good", "bad"] } }, required: ["mood"], additionalProperties: false },
  outputTokensPerReview: 10,
};
const reviews = Array.from({ length: 12 }, (_, i) => ({ reviewId: `rev-${i}`, text: `리뷰 ${i} `.repeat(8) }));
const env = (gateway: ScriptedGateway, ledger = new UsageLedger()) => ({
  gateway,
  tokenizer: charTokenizer,
  maxPromptTokens: 420,
  ledger,
  priority: common.Priority.PRIORITY_STANDARD,
  restaurantId: "r1",
});
const goodAnswer = (request: Parameters<ConstructorParameters<typeof ScriptedGateway>[0]>[0]) =>
  JSON.stringify(Object.fromEntries(refsOf(request).map((ref) => [ref, { mood: "good" }])));

describe("runPerReviewTask", () => {
  it("sends all batches at once, with one shared system prefix, and maps refs back to review IDs", async () => {
    const gateway = new ScriptedGateway(goodAnswer);
    const ledger = new UsageLedger();
    const outcome = await runPerReviewTask(reviews, reviews.map((r) => r.text), task, env(gateway, ledger));
    assert.ok(outcome.batches > 1);
    assert.equal(gateway.requests.length, outcome.batches);
    assert.deepEqual([...outcome.answers.keys()].sort(), reviews.map((r) => r.reviewId).sort());
    assert.equal(new Set(gateway.requests.map((r) => messagesOf(r)[0]!.content)).size, 1, "one stable prefix");
    assert.equal(ledger.snapshot().llmRequests, outcome.batches);
    assert.ok(ledger.snapshot().allReviewsPromptTokens > 0);
  });

  it("reports every review of a batch whose answers stay malformed as failed, and keeps the others", async () => {
    // The batch holding rev-0 always answers with a missing ref; the others answer well.
    const gateway = new ScriptedGateway((request) => {
      const holdsFirst = messagesOf(request)[1]!.content.includes("리뷰 0 ");
      return holdsFirst ? JSON.stringify({ R1: { mood: "good" } }) : goodAnswer(request);
    });
    const outcome = await runPerReviewTask(reviews, [], task, env(gateway));
    assert.ok(outcome.failed.some((f) => f.reviewId === "rev-0"));
    for (const f of outcome.failed) assert.match(f.reason, /must have required property/);
    assert.equal(outcome.failed.length + outcome.answers.size, reviews.length);
    assert.ok(outcome.answers.size > 0);
  });
});
