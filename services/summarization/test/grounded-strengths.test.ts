// The demo's data set (seed 42, 10 restaurants, up to 200 reviews) against the simulator's grounded
// mode, as `make demo` runs it: each of the three restaurants the demo analyses shows a strength that
// passes the default thresholds, through steps F to H, and every strength and summary sentence comes
// from the restaurant's own reviews. (A simulator: this checks grounding and the pipeline's flow, not
// the quality of a model's judgement.)
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { common, summarization } from "@reviewlens/contracts";
import { generateDataset } from "@reviewlens/demo-data";
import { startAnalysisStack, uploadReviewRecords, type AnalysisStack } from "@reviewlens/testkit";
import { createChannel, createClient, type Channel } from "nice-grpc";

const { reviews } = generateDataset({ seed: 42, restaurants: 10, maxReviews: 200 });
const DEMO_RESTAURANTS = ["r001", "r002", "r003"];
const sentencesOf = (text: string) => text.split(/(?<=[.!?])\s+/);
const byId = new Map(reviews.map((r) => [r.review_id, r]));

describe("strengths on the demo data against the grounded simulator", () => {
  let stack: AnalysisStack;
  let channel: Channel;
  let client: summarization.SummarizationServiceClient;

  before(async () => {
    stack = await startAnalysisStack({ simArgs: ["--time-scale", "0.01", "--output", "grounded"] });
    assert.equal((await uploadReviewRecords(stack.vectorSearch.address, reviews)).upserted, reviews.length);
    channel = createChannel(stack.summarization.address);
    client = createClient(summarization.SummarizationServiceDefinition, channel);
  });
  after(async () => {
    channel?.close();
    await stack?.stop();
  });

  it("finds a strength for each demo restaurant, through F to H, each stated in words of one of its own evidence reviews", async () => {
    const found: string[] = [];
    for (const restaurantId of DEMO_RESTAURANTS) {
      const { result, report } = await client.extractStrengths({ restaurantId, options: { topK: 20, force: true, priority: common.Priority.PRIORITY_INTERACTIVE }, maxStrengths: 3 });
      assert.equal(report!.status, common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED);
      const positive = new Set(reviews.filter((r) => r.restaurant_id === restaurantId && r.rating >= 4).map((r) => r.review_id));
      for (const s of result!.strengths) {
        assert.ok(s.support >= 2 && s.distinctiveness >= 1.5, `${restaurantId}: "${s.statement}" passed the default thresholds`);
        for (const id of s.evidenceReviewIds) assert.ok(positive.has(id), `${restaurantId}: evidence ${id} is one of its positive reviews`);
        // The grounded claim is a sentence's key words ("회 싱싱" of "당일 들어온 생선이라 회가 싱싱해요.").
        const words = s.statement.split(" ");
        const stating = s.evidenceReviewIds.filter((id) => sentencesOf(byId.get(id)!.text).some((sentence) => words.every((w) => sentence.includes(w))));
        assert.ok(stating.length > 0, `${restaurantId}: every word of "${s.statement}" is in one sentence of one of its evidence reviews`);
      }
      if (result!.strengths.length > 0) {
        found.push(restaurantId);
        const out = Object.fromEntries(report!.steps.map((step) => [step.step.charAt(0), step.itemsOut]));
        assert.ok(out["F"]! > 0 && out["G"]! > 0 && out["H"]! > 0, `${restaurantId}: F, G and H had work: ${JSON.stringify(out)}`);
      }
    }
    assert.deepEqual(found, DEMO_RESTAURANTS, "each of the demo's restaurants shows a strength");
  });

  it("summarises in sentences of the restaurant's reviews, citing first the reviews that hold them", async () => {
    const { result } = await client.summarize({ restaurantId: "r001", options: { topK: 20, force: true, priority: common.Priority.PRIORITY_INTERACTIVE } });
    const own = reviews.filter((r) => r.restaurant_id === "r001");
    const sentences = sentencesOf(result!.overallSummary);
    assert.ok(sentences.length > 0 && sentences.every((s) => own.some((r) => sentencesOf(r.text).includes(s))), result!.overallSummary);
    // The evidence answer (apart from the text answer) cites the reviews the summary's sentences come
    // from first, then other reviews by how much of what they say others say too.
    const cited = result!.overallEvidenceReviewIds.map((id) => byId.get(id)!);
    assert.ok(cited.length > 0);
    for (const review of cited) assert.equal(review.restaurant_id, "r001");
    const holds = cited.map((review) => sentences.some((s) => sentencesOf(review.text).includes(s)));
    assert.ok(holds[0], `${cited[0]!.review_id} holds a sentence of the summary`);
    assert.ok(holds.indexOf(false) === -1 || !holds.slice(holds.indexOf(false)).includes(true), `the reviews holding the summary's sentences come first: ${JSON.stringify(holds)}`);
  });
});
