import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LlmGateway } from "@reviewlens/analysis-core";
import { messagesOf, noticingTokenizer, refsOf, ScriptedGateway } from "@reviewlens/analysis-core/testing";
import { common, type inference } from "@reviewlens/contracts";
import { UnusableResultError } from "@reviewlens/runtime";
import { waitFor } from "@reviewlens/testkit";
import { getTokenizer } from "@reviewlens/tokenizer";
import { answerKeys, DEFAULT_ASPECTS } from "../aspects.js";
import { fixedReviewSource } from "../test-fixtures.js";
import { summarizeRestaurant, type SummaryDeps } from "./summary-analysis.js";

const reviews = Array.from({ length: 8 }, (_, i) => ({ text: `리뷰 ${i}: 국물이 진하고 직원이 친절해요. 가격은 조금 비싸요.`, rating: 4 }));
const options = { topK: 20, force: false, priority: common.Priority.PRIORITY_STANDARD };
const aspects = ["taste", "service"];

type Request = inference.CompleteRequest;
type KeySchema = { properties: Record<string, { type: string; properties?: Record<string, { items?: { enum?: string[] } }> }> };
const schemaOf = (request: Request) => JSON.parse(request.request!.jsonSchema!.schemaJson) as KeySchema;
/** Which answer a request asks for: its keys' shape names it (a string: the text; an object: the evidence). */
const kindOf = (request: Request) => (schemaOf(request).properties[refsOf(request)[0]!]!.type === "string" ? "text" : "evidence");
const fieldsOf = (request: Request, key: string) => Object.keys(schemaOf(request).properties[key]!.properties ?? {});

// Keyed as the answers name them: taste by its one-token word, food.
const texts: Record<string, string> = { overall: " 국물이 진한 집 ", food: "진한 국물", service: "" };
const evidence = (overallCite: string[]): Record<string, object> => ({ overall: { cite: overallCite }, food: { cite: ["B"], score: 80 }, service: { cite: [], score: 0 } });

// Answers each request for the keys and the kind its schema asks.
const answer = (overallCite: string[]) => (request: Request) => {
  const parts: Record<string, unknown> = kindOf(request) === "text" ? texts : evidence(overallCite);
  return JSON.stringify(Object.fromEntries(refsOf(request).map((key) => [key, parts[key]])));
};

const depsWith = (gateway: LlmGateway, more: Partial<SummaryDeps> = {}): SummaryDeps => ({
  reviews: fixedReviewSource("r1", reviews),
  gateway,
  tokenizer: getTokenizer(),
  maxPromptTokens: 4000,
  ...more,
});

/** Holds every request unanswered until released: what was sent before any answer came back. */
class HoldingGateway implements LlmGateway {
  readonly requests: Request[] = [];
  private readonly held: Array<() => void> = [];
  private readonly inner: ScriptedGateway;

  constructor(answerer: (request: Request) => string) {
    this.inner = new ScriptedGateway(answerer);
  }

  async complete(request: Request): Promise<inference.CompleteResponse> {
    this.requests.push(request);
    await new Promise<void>((release) => this.held.push(release));
    return this.inner.complete(request);
  }

  release(): void {
    for (const release of this.held.splice(0)) release();
  }
}

describe("summarizeRestaurant", () => {
  it("merges each key's text and evidence answers: cited refs mapped to review IDs, unknown citations removed and counted, scores mapped", async () => {
    const gateway = new ScriptedGateway(answer(["A", "99", "C"]));
    const { result, report } = await summarizeRestaurant(depsWith(gateway), "r1", aspects, options);
    assert.deepEqual(result, {
      restaurantId: "r1",
      overallSummary: "국물이 진한 집",
      overallEvidenceReviewIds: ["r1-rv0", "r1-rv2"],
      aspects: [
        { aspect: "taste", summary: "진한 국물", evidenceReviewIds: ["r1-rv1"], sentimentScore: 0.8 },
        { aspect: "service", summary: "", evidenceReviewIds: [], sentimentScore: 0 },
      ],
    });
    assert.equal(report.warnings.length, 1);
    assert.match(report.warnings[0]!, /overall: removed citations .*99/);
    assert.equal(gateway.requests.length, 2 * (1 + aspects.length), "two answers per key; an unknown citation does not cost a retry");
  });

  it("asks each key a text answer and an evidence answer over the same prompt, citations constrained to the prompt's refs", async () => {
    const gateway = new ScriptedGateway(answer([]));
    await summarizeRestaurant(depsWith(gateway), "r1", aspects, options);
    const asked = gateway.requests.map((r) => `${refsOf(r).join(",")}:${kindOf(r)}:${fieldsOf(r, refsOf(r)[0]!).join(",")}`).sort();
    assert.deepEqual(asked, [
      "food:evidence:cite,score",
      "food:text:",
      "overall:evidence:cite",
      "overall:text:",
      "service:evidence:cite,score",
      "service:text:",
    ]);
    assert.equal(new Set(gateway.requests.map((r) => JSON.stringify(messagesOf(r)))).size, 1, "the same prompt for every answer");
    assert.equal(new Set(gateway.requests.map((r) => r.request!.jsonSchema!.name)).size, 1, "one kind of request: one stage");
    for (const r of gateway.requests.filter((r) => kindOf(r) === "evidence")) {
      const [key] = refsOf(r);
      assert.deepEqual(schemaOf(r).properties[key!]!.properties!["cite"]!.items!.enum, [..."ABCDEFGH"]);
    }
  });

  it("sends every key's two answers at once: all 16 for the default aspects are out before any is answered", async () => {
    const keys = ["overall", ...DEFAULT_ASPECTS];
    const named = answerKeys(keys).toAnswer;
    const answerer = (request: Request) =>
      JSON.stringify(Object.fromEntries(refsOf(request).map((key) => [key, kindOf(request) === "text" ? `${key} 요약` : key === "overall" ? { cite: ["A"] } : { cite: ["B"], score: -50 }])));
    const gateway = new HoldingGateway(answerer);
    const summary = summarizeRestaurant(depsWith(gateway), "r1", [...DEFAULT_ASPECTS], options);
    await waitFor(() => gateway.requests.length === 2 * keys.length || undefined, "every answer requested while none is answered");
    assert.deepEqual(gateway.requests.map((r) => `${refsOf(r)[0]}:${kindOf(r)}`).sort(), keys.flatMap((k) => [`${named(k)}:evidence`, `${named(k)}:text`]).sort());
    gateway.release();
    const { result } = await summary;
    assert.equal(result.overallSummary, "overall 요약");
    assert.deepEqual(result.overallEvidenceReviewIds, ["r1-rv0"]);
    assert.deepEqual(
      result.aspects.map((a) => [a.aspect, a.summary, a.evidenceReviewIds, a.sentimentScore]),
      DEFAULT_ASPECTS.map((a) => [a, `${named(a)} 요약`, ["r1-rv1"], -0.5]),
    );
  });

  it("counts what all reviews would cost only once every answer is asked", async () => {
    const gateway = new ScriptedGateway(answer(["A"]));
    let sentWhenCounted: number | undefined;
    const tokenizer = noticingTokenizer(getTokenizer(), "ONLY-IN-ALL", () => (sentWhenCounted = gateway.requests.length));
    // The last review is past the TOP-K: only the all-reviews count reads it.
    const source = fixedReviewSource("r1", [...reviews, { text: "ONLY-IN-ALL 리뷰", rating: 3 }]);
    const { report } = await summarizeRestaurant(depsWith(gateway, { tokenizer, reviews: source }), "r1", aspects, { ...options, topK: reviews.length });
    assert.equal(sentWhenCounted, 2 * (1 + aspects.length), "every answer was asked before the count began");
    assert.ok(report.usage!.allReviewsPromptTokens > 0, "and the count was still made");
  });

  it("answers several keys per request when configured: one text answer and one evidence answer for the group, the same result", async () => {
    const one = await summarizeRestaurant(depsWith(new ScriptedGateway(answer(["A"]))), "r1", aspects, options);
    const gateway = new ScriptedGateway(answer(["A"]));
    const all = await summarizeRestaurant(depsWith(gateway, { keysPerAnswer: 3 }), "r1", aspects, options);
    assert.deepEqual(gateway.requests.map((r) => `${refsOf(r).join(",")}:${kindOf(r)}`).sort(), ["overall,food,service:evidence", "overall,food,service:text"]);
    assert.deepEqual(all.result, one.result);
  });

  it("names an aspect whose name takes two tokens by its one-token word in the answers and maps it back; a caller's aspect called so keeps its name", async () => {
    const everyKey = (request: Request) =>
      JSON.stringify(Object.fromEntries(refsOf(request).map((key) => [key, kindOf(request) === "text" ? "" : key === "overall" ? { cite: [] } : { cite: [], score: 0 }])));
    const byDefault = new ScriptedGateway(everyKey);
    await summarizeRestaurant(depsWith(byDefault), "r1", [...DEFAULT_ASPECTS], options);
    const names = new Set(byDefault.requests.map((r) => refsOf(r)[0]));
    assert.deepEqual([...names].sort(), ["ambience", "clean", "food", "overall", "portion", "price", "service", "wait"]);
    // A caller's own "food" aspect beside taste: both keep their names, each answer maps to its own aspect.
    const own = ["taste", "food"];
    const gateway = new ScriptedGateway((request) =>
      JSON.stringify(Object.fromEntries(refsOf(request).map((key) => [key, kindOf(request) === "text" ? `${key} 요약` : key === "overall" ? { cite: [] } : { cite: [], score: key === "food" ? 10 : 90 }]))),
    );
    const { result } = await summarizeRestaurant(depsWith(gateway), "r1", own, options);
    assert.deepEqual(result.aspects.map((a) => [a.aspect, a.summary, a.sentimentScore]), [["taste", "taste 요약", 0.9], ["food", "food 요약", 0.1]]);
  });

  it("keeps the prompt within its budget and names the reviews left out", async () => {
    const gateway = new ScriptedGateway(answer(["A"]));
    const { report } = await summarizeRestaurant(depsWith(gateway, { maxPromptTokens: 500 }), "r1", aspects, options);
    assert.ok(report.reviewsConsidered < reviews.length);
    assert.ok(report.warnings.some((w) => /did not fit the summary prompt budget/.test(w)));
    assert.ok(report.usage!.allReviewsPromptTokens > 500);
  });

  for (const kind of ["text", "evidence"]) {
    it(`fails the analysis when a key's ${kind} answer stays malformed after the retry, though its other answer is fine`, async () => {
      const malformed = (r: Request) => refsOf(r)[0] === "food" && kindOf(r) === kind;
      const gateway = new ScriptedGateway((r) => (malformed(r) ? '{"food": {}}' : answer([])(r)));
      await assert.rejects(summarizeRestaurant(depsWith(gateway), "r1", aspects, options), (error: Error) => {
        assert.ok(error instanceof UnusableResultError, error.message);
        assert.match(error.message, /summary of r1: invalid structured output after a retry/);
        return true;
      });
      assert.equal(gateway.requests.filter(malformed).length, 2, "one retry");
      assert.equal(gateway.requests.filter((r) => !malformed(r)).length, 5, "the other answers are asked once");
    });
  }
});
