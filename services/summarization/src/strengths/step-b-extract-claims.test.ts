import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { common } from "@reviewlens/contracts";
import { UsageLedger } from "@reviewlens/analysis-core";
import { messagesOf, refsOf, ScriptedGateway } from "@reviewlens/analysis-core/testing";
import { getTokenizer } from "@reviewlens/tokenizer";
import { claimTask, claimTaskWith, extractClaims } from "./step-b-extract-claims.js";

const env = (gateway: ScriptedGateway) => ({ gateway, tokenizer: getTokenizer(), maxPromptTokens: 2000, ledger: new UsageLedger(), priority: common.Priority.PRIORITY_STANDARD, restaurantId: "r1" });
const reviews = [
  { reviewId: "a", text: "수제 생면이 쫄깃해요", rating: 5 },
  { reviewId: "b", text: "그냥 맛있어요", rating: 4 },
];
/** A gateway that gives every review it is asked about the same answer. */
const answering = (answer: object) => new ScriptedGateway((request) => JSON.stringify(Object.fromEntries(refsOf(request).map((r) => [r, answer]))));

describe("step B: extract claims", () => {
  it("turns each review's claims keyed by aspect into claims of that review's aspects", async () => {
    const gateway = new ScriptedGateway((request) => {
      const answers: Record<string, object> = { A: { food: " 수제 생면 ", portion: "양 많음" }, B: {} };
      return JSON.stringify(Object.fromEntries(refsOf(request).map((ref) => [ref, answers[ref]])));
    });
    const out = await extractClaims(reviews, [], env(gateway));
    assert.deepEqual(out.claims, [
      { reviewId: "a", aspect: "taste", text: "수제 생면" },
      { reviewId: "a", aspect: "portion", text: "양 많음" },
    ]);
    assert.deepEqual(out.failed, []);
    assert.deepEqual(gateway.requests.map(refsOf), [["A"], ["B"]], "one answer per review");
  });

  it("asks per review for an object of optional aspects, each a short claim, at most three", async () => {
    const gateway = answering({});
    await extractClaims(reviews.slice(0, 1), [], env(gateway));
    const schema = JSON.parse(gateway.requests[0]!.request!.jsonSchema!.schemaJson) as { properties: Record<string, Record<string, unknown>> };
    const answer = schema.properties["A"]!;
    // Aspects whose names Qwen2.5 splits in two are asked by a one-token word (ambience has none the model would read the same).
    assert.deepEqual(Object.keys(answer["properties"] as object), ["food", "service", "price", "ambience", "clean", "wait", "portion"]);
    for (const [key, aspect] of [["food", "taste"], ["price", "price_value"], ["clean", "cleanliness"], ["wait", "waiting_time"]]) {
      assert.equal(getTokenizer().count(`"${key}"`), 3, `"${key}" is one token between its quotes`);
      assert.equal(getTokenizer().count(`"${aspect}"`), 4, `"${aspect}" is two`);
    }
    assert.match(messagesOf(gateway.requests[0]!)[0]!.content, /food \(taste\), service, price \(price value\), ambience, clean \(cleanliness\), wait \(waiting time\), portion/, "the instructions say which aspect each key stands for");
    assert.equal(answer["required"], undefined, "every aspect is optional");
    assert.equal(answer["maxProperties"], 3);
    assert.equal(answer["additionalProperties"], false);
    for (const claim of Object.values(answer["properties"] as Record<string, { type: string; minLength: number; maxLength: number }>)) {
      assert.equal(claim.type, "string");
      assert.equal(claim.minLength, 1);
      assert.ok(claim.maxLength <= 24, "a claim is a few words");
    }
    assert.match(messagesOf(gateway.requests[0]!)[0]!.content, /\{"G": \{"food": "[^"]+"/, "the system prompt shows the compact shape");
  });

  it("rejects an aspect outside the list: retried once, then the review is reported as failed", async () => {
    const gateway = answering({ vibes: "x" });
    const out = await extractClaims(reviews, [], env(gateway));
    assert.equal(out.claims.length, 0);
    assert.deepEqual(out.failed.map((f) => f.reviewId).sort(), ["a", "b"]);
    assert.equal(gateway.requests.length, 4, "each review asked again once");
  });

  it("keeps the first three claims of an answer with more (a backend may not enforce maxProperties), with a warning, and asks nothing again", async () => {
    const gateway = answering({ food: "면발", service: "친절", portion: "푸짐", ambience: "뷰" });
    const out = await extractClaims(reviews.slice(0, 1), [], env(gateway));
    assert.deepEqual(
      out.claims.map((c) => c.aspect),
      ["taste", "service", "portion"],
    );
    assert.deepEqual(out.failed, []);
    assert.equal(gateway.requests.length, 1);
    assert.match(out.warnings.join("\n"), /review a gave 4 claims/);
  });

  it("rejects an empty claim: retried once, then the review is reported as failed", async () => {
    const gateway = answering({ food: "" });
    const empty = await extractClaims(reviews.slice(0, 1), [], env(gateway));
    assert.deepEqual([empty.claims, empty.failed.map((f) => f.reviewId)], [[], ["a"]]);
    assert.equal(gateway.requests.length, 2);
  });

  it("asked in parts of a few aspects, each aspect in one part, a review's claims merged and the first three kept in the aspects' order", async () => {
    assert.equal(claimTaskWith(7), claimTask, "all aspects: the one answer");
    // Each part answers every aspect it is asked about with a claim: the review praises everything.
    const gateway = new ScriptedGateway((request) => {
      const answer = (JSON.parse(request.request!.jsonSchema!.schemaJson) as { properties: Record<string, { properties: object; maxProperties: number }> }).properties[refsOf(request)[0]!]!;
      return JSON.stringify({ [refsOf(request)[0]!]: Object.fromEntries(Object.keys(answer.properties).slice(0, answer.maxProperties).map((k) => [k, `${k} 좋아요`])) });
    });
    const out = await extractClaims(reviews.slice(0, 1), [], env(gateway), undefined, claimTaskWith(2));
    const asked = gateway.requests.map((r) => Object.keys((JSON.parse(r.request!.jsonSchema!.schemaJson) as { properties: Record<string, { properties: object }> }).properties["A"]!.properties));
    assert.deepEqual(asked, [["food", "service"], ["price", "ambience"], ["clean", "wait"], ["portion"]]);
    assert.equal(new Set(gateway.requests.map((r) => JSON.stringify(messagesOf(r)))).size, 1, "every part over the same prompt");
    assert.deepEqual(
      out.claims.map((c) => [c.aspect, c.text]),
      [
        ["taste", "food 좋아요"],
        ["service", "service 좋아요"],
        ["price_value", "price 좋아요"],
      ],
    );
    assert.match(out.warnings.join("\n"), /review a gave 7 claims/);
  });

  it("a retried answer that is valid the second time gives its claims", async () => {
    const gateway = new ScriptedGateway((request, n) => JSON.stringify({ [refsOf(request)[0]!]: n === 1 ? [{ aspect: "taste", claim: "면발" }] : { food: "면발 쫄깃" } }));
    const out = await extractClaims(reviews.slice(0, 1), [], env(gateway));
    assert.deepEqual(out.claims, [{ reviewId: "a", aspect: "taste", text: "면발 쫄깃" }]);
    assert.deepEqual(out.failed, []);
  });
});
