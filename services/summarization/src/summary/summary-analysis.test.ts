import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { common } from "@reviewlens/contracts";
import { messagesOf, refsOf, ScriptedGateway } from "@reviewlens/analysis-core/testing";
import { getTokenizer } from "@reviewlens/tokenizer";
import { fixedReviewSource } from "../test-fixtures.js";
import { summarizeRestaurant } from "./summary-analysis.js";

const reviews = Array.from({ length: 8 }, (_, i) => ({ text: `리뷰 ${i}: 국물이 진하고 직원이 친절해요. 가격은 조금 비싸요.`, rating: 4 }));
const options = { topK: 20, force: false, priority: common.Priority.PRIORITY_STANDARD };
const aspects = ["taste", "service"];

// Answers each request for the keys its schema asks (overall, an aspect).
const answer = (cite: string[]) => (request: Parameters<ConstructorParameters<typeof ScriptedGateway>[0]>[0]) => {
  const all: Record<string, object> = {
    overall: { summary: " 국물이 진한 집 ", cite },
    taste: { summary: "진한 국물", cite: ["2"], score: 80 },
    service: { summary: "", cite: [], score: 0 },
  };
  return JSON.stringify(Object.fromEntries(refsOf(request).map((key) => [key, all[key]])));
};

describe("summarizeRestaurant", () => {
  it("maps cited refs to review IDs, removes and counts citations of reviews not in the context", async () => {
    const gateway = new ScriptedGateway(answer(["1", "99", "3"]));
    const { result, report } = await summarizeRestaurant({ reviews: fixedReviewSource("r1", reviews), gateway, tokenizer: getTokenizer(), maxPromptTokens: 4000 }, "r1", aspects, options);
    assert.equal(result.overallSummary, "국물이 진한 집");
    assert.deepEqual(result.overallEvidenceReviewIds, ["r1-rv0", "r1-rv2"]);
    assert.deepEqual(result.aspects.map((a) => [a.aspect, a.evidenceReviewIds, a.sentimentScore]), [["taste", ["r1-rv1"], 0.8], ["service", [], 0]]);
    assert.equal(report.warnings.length, 1);
    assert.match(report.warnings[0]!, /overall: removed citations .*99/);
    assert.equal(gateway.requests.length, 1 + aspects.length, "one answer per key; an unknown citation does not cost a retry");
  });

  it("asks each key over the same prompt, constraining decoding to the prompt's refs", async () => {
    const gateway = new ScriptedGateway(answer([]));
    await summarizeRestaurant({ reviews: fixedReviewSource("r1", reviews), gateway, tokenizer: getTokenizer(), maxPromptTokens: 4000 }, "r1", aspects, options);
    assert.deepEqual(gateway.requests.map(refsOf).sort(), [["overall"], ["service"], ["taste"]]);
    assert.equal(new Set(gateway.requests.map((r) => JSON.stringify(messagesOf(r)))).size, 1, "the same prompt for every key");
    const schema = JSON.parse(gateway.requests.find((r) => refsOf(r)[0] === "overall")!.request!.jsonSchema!.schemaJson) as {
      properties: { overall: { properties: { cite: { items: { enum: string[] } } } } };
    };
    assert.deepEqual(schema.properties.overall.properties.cite.items.enum, ["1", "2", "3", "4", "5", "6", "7", "8"]);
  });

  it("answers several keys per request when configured, with the same result", async () => {
    const one = await summarizeRestaurant({ reviews: fixedReviewSource("r1", reviews), gateway: new ScriptedGateway(answer(["1"])), tokenizer: getTokenizer(), maxPromptTokens: 4000 }, "r1", aspects, options);
    const gateway = new ScriptedGateway(answer(["1"]));
    const all = await summarizeRestaurant({ reviews: fixedReviewSource("r1", reviews), gateway, tokenizer: getTokenizer(), maxPromptTokens: 4000, keysPerAnswer: 3 }, "r1", aspects, options);
    assert.deepEqual(gateway.requests.map(refsOf), [["overall", "taste", "service"]]);
    assert.deepEqual(all.result, one.result);
  });

  it("keeps the prompt within its budget and names the reviews left out", async () => {
    const gateway = new ScriptedGateway(answer(["1"]));
    const { report } = await summarizeRestaurant({ reviews: fixedReviewSource("r1", reviews), gateway, tokenizer: getTokenizer(), maxPromptTokens: 500 }, "r1", aspects, options);
    assert.ok(report.reviewsConsidered < reviews.length);
    assert.ok(report.warnings.some((w) => /did not fit the summary prompt budget/.test(w)));
    assert.ok(report.usage!.allReviewsPromptTokens > 500);
  });

  it("fails the analysis when the answer stays malformed after the retry", async () => {
    // The taste answer stays malformed; the others are fine.
    const gateway = new ScriptedGateway((request) => (refsOf(request)[0] === "taste" ? '{"taste": {}}' : answer([])(request)));
    await assert.rejects(
      summarizeRestaurant({ reviews: fixedReviewSource("r1", reviews), gateway, tokenizer: getTokenizer(), maxPromptTokens: 4000 }, "r1", aspects, options),
      /invalid structured output after a retry/,
    );
    assert.equal(gateway.requests.filter((r) => refsOf(r)[0] === "taste").length, 2, "one retry");
  });
});
