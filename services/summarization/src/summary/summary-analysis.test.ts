import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { common } from "@reviewlens/contracts";
import { ScriptedGateway } from "@reviewlens/analysis-core/testing";
import { getTokenizer } from "@reviewlens/tokenizer";
import { fixedReviewSource } from "../test-fixtures.js";
import { summarizeRestaurant } from "./summary-analysis.js";

const reviews = Array.from({ length: 8 }, (_, i) => ({ text: `리뷰 ${i}: 국물이 진하고 직원이 친절해요. 가격은 조금 비싸요.`, rating: 4 }));
const options = { topK: 20, force: false, priority: common.Priority.PRIORITY_STANDARD };
const aspects = ["taste", "service"];

function answer(evidence: string[]) {
  return JSON.stringify({
    overall: { summary: " 국물이 진한 집 ", evidence },
    aspects: { taste: { summary: "진한 국물", evidence: ["R2"], sentiment: 0.8 }, service: { summary: "", evidence: [], sentiment: 0 } },
  });
}

describe("summarizeRestaurant", () => {
  it("maps cited refs to review IDs, removes and counts citations of reviews not in the context", async () => {
    const gateway = new ScriptedGateway(() => answer(["R1", "R99", "R3"]));
    const { result, report } = await summarizeRestaurant({ reviews: fixedReviewSource("r1", reviews), gateway, tokenizer: getTokenizer(), maxPromptTokens: 4000 }, "r1", aspects, options);
    assert.equal(result.overallSummary, "국물이 진한 집");
    assert.deepEqual(result.overallEvidenceReviewIds, ["r1-rv0", "r1-rv2"]);
    assert.deepEqual(result.aspects.map((a) => [a.aspect, a.evidenceReviewIds]), [["taste", ["r1-rv1"]], ["service", []]]);
    assert.equal(report.warnings.length, 1);
    assert.match(report.warnings[0]!, /overall: removed citations .*R99/);
    assert.equal(gateway.requests.length, 1, "an unknown citation does not cost a retry");
  });

  it("constrains decoding to the prompt's refs and the requested aspects", async () => {
    const gateway = new ScriptedGateway(() => answer([]));
    await summarizeRestaurant({ reviews: fixedReviewSource("r1", reviews), gateway, tokenizer: getTokenizer(), maxPromptTokens: 4000 }, "r1", aspects, options);
    const schema = JSON.parse(gateway.requests[0]!.request!.jsonSchema!.schemaJson) as {
      properties: { overall: { properties: { evidence: { items: { enum: string[] } } } }; aspects: { required: string[] } };
    };
    assert.deepEqual(schema.properties.overall.properties.evidence.items.enum, ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"]);
    assert.deepEqual(schema.properties.aspects.required, aspects);
  });

  it("keeps the prompt within its budget and names the reviews left out", async () => {
    const gateway = new ScriptedGateway(() => answer(["R1"]));
    const { report } = await summarizeRestaurant({ reviews: fixedReviewSource("r1", reviews), gateway, tokenizer: getTokenizer(), maxPromptTokens: 500 }, "r1", aspects, options);
    assert.ok(report.reviewsConsidered < reviews.length);
    assert.ok(report.warnings.some((w) => /did not fit the summary prompt budget/.test(w)));
    assert.ok(report.usage!.allReviewsPromptTokens > 500);
  });

  it("fails the analysis when the answer stays malformed after the retry", async () => {
    const gateway = new ScriptedGateway(() => '{"overall": {}}');
    await assert.rejects(
      summarizeRestaurant({ reviews: fixedReviewSource("r1", reviews), gateway, tokenizer: getTokenizer(), maxPromptTokens: 4000 }, "r1", aspects, options),
      /invalid structured output after a retry/,
    );
    assert.equal(gateway.requests.length, 2);
  });
});
