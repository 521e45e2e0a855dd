import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { common, type inference } from "@reviewlens/contracts";
import { getTokenizer } from "@reviewlens/tokenizer";
import { answerGroups, runPerReviewTask, UsageLedger, type LlmGateway, type PerReviewTask } from "../src/index.js";
import { charTokenizer, messagesOf, noticingTokenizer, refsOf, ScriptedGateway } from "./fakes.js";

const task: PerReviewTask = {
  name: "mood",
  analysisType: "sentiment",
  systemPrompt: "Say the mood of each review.",
  instruction: "Answer for every ref.",
  answerSchema: { type: "object", properties: { mood: { enum: ["good", "bad"] } }, required: ["mood"], additionalProperties: false },
  outputTokensPerReview: 10,
  reviewsPerAnswer: 1,
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

describe("answerGroups", () => {
  it("splits a prompt's reviews into consecutive answers of at most the given size", () => {
    assert.deepEqual(answerGroups(5, 2), [[0, 1], [2, 3], [4]]);
    assert.deepEqual(answerGroups(3, 1), [[0], [1], [2]]);
    assert.deepEqual(answerGroups(3, 10), [[0, 1, 2]]);
  });
});

describe("runPerReviewTask", () => {
  it("sends an answer per review for every batch at once, with one shared system prefix, and maps refs back to review IDs", async () => {
    const gateway = new ScriptedGateway(goodAnswer);
    const ledger = new UsageLedger();
    const outcome = await runPerReviewTask(reviews, reviews.map((r) => r.text), task, env(gateway, ledger));
    assert.ok(outcome.batches > 1);
    assert.equal(gateway.requests.length, reviews.length);
    assert.equal(outcome.answersAsked, reviews.length);
    assert.deepEqual([...outcome.answers.keys()].sort(), reviews.map((r) => r.reviewId).sort());
    assert.equal(new Set(gateway.requests.map((r) => messagesOf(r)[0]!.content)).size, 1, "one stable prefix");
    // The answers over one batch are the same prompt; only their schemas name different reviews.
    assert.equal(new Set(gateway.requests.map((r) => JSON.stringify(messagesOf(r)))).size, outcome.batches);
    assert.deepEqual(gateway.requests.map((r) => refsOf(r).length), reviews.map(() => 1));
    assert.equal(ledger.snapshot().llmRequests, reviews.length);
    assert.ok(ledger.snapshot().allReviewsPromptTokens > 0);
  });

  it("counts what all reviews would cost only once every request is on its way", async () => {
    const gateway = new ScriptedGateway(goodAnswer);
    const ledger = new UsageLedger();
    // The requests sent when the tokenizer first meets a review that only the all-reviews count holds.
    let sentWhenCounted: number | undefined;
    const tokenizer = noticingTokenizer(charTokenizer, "ONLY-IN-ALL", () => (sentWhenCounted = gateway.requests.length));
    await runPerReviewTask(reviews, [...reviews.map((r) => r.text), "ONLY-IN-ALL 리뷰"], task, { ...env(gateway, ledger), tokenizer });
    assert.equal(sentWhenCounted, reviews.length, "every answer was asked before the all-reviews count began");
    assert.ok(ledger.snapshot().allReviewsPromptTokens > 0, "and the count was still made");
  });

  it("covers several reviews per answer when asked, each review once", async () => {
    const gateway = new ScriptedGateway(goodAnswer);
    const outcome = await runPerReviewTask(reviews, [], task, { ...env(gateway), reviewsPerAnswer: 5 });
    assert.equal(outcome.answers.size, reviews.length);
    assert.ok(gateway.requests.every((r) => refsOf(r).length <= 5));
    assert.ok(gateway.requests.length < reviews.length);
    const asked = gateway.requests.flatMap((r) => refsOf(r).map((ref) => `${messagesOf(r)[1]!.content}:${ref}`));
    assert.equal(new Set(asked).size, reviews.length, "no review is asked twice");
  });

  it("pads a prompt sent more than once to one token past a 16-token KV block, and only then", async () => {
    const tokenizer = getTokenizer();
    const tokensOf = (r: (typeof gateway.requests)[number]) => tokenizer.count(tokenizer.renderChat(messagesOf(r).map(({ role, content }) => ({ role: role as "user", content })), true));
    const gateway = new ScriptedGateway(goodAnswer);
    await runPerReviewTask(reviews.slice(0, 5), [], task, { ...env(gateway), tokenizer, maxPromptTokens: 4000 });
    assert.equal(gateway.requests.length, 5);
    assert.equal(tokensOf(gateway.requests[0]!) % 16, 1);
    const single = new ScriptedGateway(goodAnswer);
    await runPerReviewTask(reviews.slice(0, 5), [], task, { ...env(single), tokenizer, maxPromptTokens: 4000, reviewsPerAnswer: 5 });
    assert.equal(single.requests.length, 1);
    assert.ok(!messagesOf(single.requests[0]!)[1]!.content.endsWith(" -"), "no pad on a prompt sent once");
  });

  it("asks an answer in parts over the same prompt, merged in the parts' order whatever order they arrive in, once every part is in", async () => {
    const part = (key: string) => ({ answerSchema: { type: "object", properties: { [key]: { type: "string" } }, additionalProperties: false }, outputTokensPerReview: 5 });
    const parted: PerReviewTask = { ...task, answerParts: [part("first"), part("second")] };
    const keyOf = (request: inference.CompleteRequest) => Object.keys((JSON.parse(request.request!.jsonSchema!.schemaJson) as { properties: Record<string, { properties: object }> }).properties[refsOf(request)[0]!]!.properties)[0]!;
    // Every request is held until all are in, then answered last first: the second parts arrive first.
    const held: Array<{ request: inference.CompleteRequest; answer: (r: inference.CompleteResponse) => void }> = [];
    const gateway: LlmGateway = {
      complete: (request) =>
        new Promise((answer) => {
          held.push({ request, answer });
          if (held.length < 6) return;
          for (const h of [...held].reverse()) {
            const text = JSON.stringify(Object.fromEntries(refsOf(h.request).map((ref) => [ref, { [keyOf(h.request)]: `${keyOf(h.request)} of ${ref}` }])));
            h.answer({ text, finishReason: "stop", usage: undefined, timings: undefined, execution: undefined });
          }
        }),
    };
    const seen: Array<[string, object]> = [];
    const outcome = await runPerReviewTask(reviews.slice(0, 3), [], parted, { ...env(new ScriptedGateway(goodAnswer)), gateway, maxPromptTokens: 4000 }, (r, a: object) => seen.push([r.reviewId, a]));
    assert.equal(held.length, 6, "a request per review and part");
    assert.equal(new Set(held.map((h) => JSON.stringify(messagesOf(h.request)))).size, 1, "all over one prompt");
    assert.equal(outcome.answersAsked, 6);
    assert.deepEqual(
      seen.map(([id, a]) => [id, Object.keys(a)]).sort(),
      ["rev-0", "rev-1", "rev-2"].map((id) => [id, ["first", "second"]]),
      "each review once, whole, its parts in their order",
    );
    const [first, second] = Object.values(outcome.answers.get("rev-0")!) as string[];
    assert.equal(first!.replace("first", "second"), second, "both parts of the same review");
  });

  it("fails a review whose one part stays malformed, and keeps the reviews whose parts all answered", async () => {
    const part = (key: string) => ({ answerSchema: { type: "object", properties: { [key]: { type: "string" } }, required: [key], additionalProperties: false }, outputTokensPerReview: 5 });
    const parted: PerReviewTask = { ...task, answerParts: [part("first"), part("second")] };
    const gateway = new ScriptedGateway((request) => {
      const key = request.request!.jsonSchema!.schemaJson.includes('"second"') ? "second" : "first";
      return JSON.stringify(Object.fromEntries(refsOf(request).map((ref) => [ref, ref === "A" && key === "second" ? {} : { [key]: "x" }])));
    });
    const outcome = await runPerReviewTask(reviews.slice(0, 3), [], parted, { ...env(gateway), maxPromptTokens: 4000 });
    assert.deepEqual(outcome.failed.map((f) => f.reviewId), ["rev-0"]);
    assert.match(outcome.failed[0]!.reason, /must have required property 'second'/);
    assert.deepEqual([...outcome.answers.keys()].sort(), ["rev-1", "rev-2"]);
  });

  it("reports every review of a batch whose answers stay malformed as failed, and keeps the others", async () => {
    // The answer for rev-0 and rev-1 always lacks one ref; the others answer well.
    const gateway = new ScriptedGateway((request) => {
      const holdsFirst = messagesOf(request)[1]!.content.includes("리뷰 0 ") && refsOf(request).includes("A");
      return holdsFirst ? JSON.stringify({ A: { mood: "good" } }) : goodAnswer(request);
    });
    const outcome = await runPerReviewTask(reviews, [], task, { ...env(gateway), reviewsPerAnswer: 2 });
    assert.deepEqual(outcome.failed.map((f) => f.reviewId), ["rev-0", "rev-1"]);
    assert.ok(outcome.failed.some((f) => f.reviewId === "rev-0"));
    for (const f of outcome.failed) assert.match(f.reason, /must have required property/);
    assert.equal(outcome.failed.length + outcome.answers.size, reviews.length);
    assert.ok(outcome.answers.size > 0);
  });
});
