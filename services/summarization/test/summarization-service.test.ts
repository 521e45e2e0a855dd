// SummarizationService over real processes on loopback: vllm-sim -> gateway -> vector-search -> summarization.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { common, summarization } from "@reviewlens/contracts";
import { generateDataset } from "@reviewlens/demo-data";
import { prometheusSum, startAnalysisStack, startOtlpReceiver, uploadReviewRecords, waitFor, type AnalysisStack, type OtlpReceiver } from "@reviewlens/testkit";
import { createChannel, createClient, Status, type Channel } from "nice-grpc";

const { reviews } = generateDataset({ seed: 23, restaurants: 4, reviewsPerRestaurant: 40 });
const idsOf = (restaurantId: string) => new Set(reviews.filter((r) => r.restaurant_id === restaurantId).map((r) => r.review_id));
const ASPECTS = ["taste", "service", "price_value", "ambience", "cleanliness", "waiting_time", "portion"];

function checkSummary(result: summarization.SummaryResult, report: common.AnalysisReport, restaurantId: string) {
  const own = idsOf(restaurantId);
  assert.equal(result.restaurantId, restaurantId);
  assert.deepEqual(result.aspects.map((a) => a.aspect), ASPECTS);
  for (const id of [...result.overallEvidenceReviewIds, ...result.aspects.flatMap((a) => a.evidenceReviewIds)]) assert.ok(own.has(id), `cited ${id} belongs to ${restaurantId}`);
  for (const a of result.aspects) assert.ok(a.sentimentScore >= -1 && a.sentimentScore <= 1);
  assert.equal(report.status, common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED);
  assert.ok(report.usage!.promptTokens > 0);
  assert.ok(report.usage!.allReviewsPromptTokens > report.usage!.promptTokens);
}

describe("summarization service over the simulator", () => {
  let receiver: OtlpReceiver;
  let stack: AnalysisStack;
  let channel: Channel;
  let client: summarization.SummarizationServiceClient;

  before(async () => {
    receiver = await startOtlpReceiver();
    stack = await startAnalysisStack({ simArgs: ["--time-scale", "0.01", "--seed", "9"], analysisEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
    const upload = await uploadReviewRecords(stack.vectorSearch.address, reviews);
    assert.equal(upload.upserted, reviews.length);
    channel = createChannel(stack.summarization.address);
    client = createClient(summarization.SummarizationServiceDefinition, channel);
  });
  after(async () => {
    channel?.close();
    await stack?.stop();
    await receiver?.close();
  });

  it("summarises every default aspect, citing only reviews of the restaurant", async () => {
    const { result, report } = await client.summarize({ restaurantId: "r001", options: { topK: 15, force: true, priority: common.Priority.PRIORITY_INTERACTIVE } });
    checkSummary(result!, report!, "r001");
    assert.equal(report!.reviewsConsidered, 15);
    // A text and an evidence answer per key (overall and the seven aspects) over the same prompt: the backend computes it once.
    assert.equal(report!.llmRequests, 16);
    assert.ok(report!.usage!.cachedPromptTokens >= 15 * Math.floor(report!.usage!.promptTokens / 16 / 16) * 16, `${report!.usage!.cachedPromptTokens} cached of ${report!.usage!.promptTokens}`);
  });

  it("sends a summary's answers over its one prompt to the gateway as one CompleteShared call", async () => {
    const gatewayCalls = async (method: string) =>
      prometheusSum(await (await fetch(`http://127.0.0.1:${stack.gateway.metricsPort}/metrics`)).text(), "rpc_server_calls_total", { method: `/reviewlens.inference.v1.InferenceGatewayService/${method}` });
    const [sharedBefore, singleBefore] = [await gatewayCalls("CompleteShared"), await gatewayCalls("Complete")];
    const { result, report } = await client.summarize({ restaurantId: "r002", options: { topK: 15, force: true, priority: common.Priority.PRIORITY_INTERACTIVE } });
    checkSummary(result!, report!, "r002");
    assert.equal(report!.llmRequests, 16);
    assert.equal((await gatewayCalls("CompleteShared")) - sharedBefore, 1, "the 16 requests travelled in one call");
    assert.equal((await gatewayCalls("Complete")) - singleBefore, 0);
  });

  it("summarises the caller's own aspects", async () => {
    const { result } = await client.summarize({ restaurantId: "r002", aspects: ["parking", "taste"], options: { topK: 10, force: true, priority: 0 } });
    assert.deepEqual(result!.aspects.map((a) => a.aspect), ["parking", "taste"]);
  });

  it("streams a batch in completion order, every restaurant once", async () => {
    const order: string[] = [];
    for await (const item of client.summarizeBatch({ restaurantIds: ["r001", "r002", "r003", "r004", "nobody"], options: { topK: 20, force: true, priority: common.Priority.PRIORITY_BATCH }, aspects: [] })) {
      order.push(item.restaurantId);
      if (item.restaurantId === "nobody") assert.match(item.report!.error, /^NOT_FOUND/);
      else checkSummary(item.result!, item.report!, item.restaurantId);
    }
    assert.equal(order[0], "nobody", `completion order, not request order: ${order.join(",")}`);
    assert.deepEqual([...order].sort(), ["nobody", "r001", "r002", "r003", "r004"]);
  });

  it("extracts strengths through steps A-H, each timed and traced, with evidence from the restaurant's positive reviews", async () => {
    const { result, report } = await client.extractStrengths({ restaurantId: "r003", options: { topK: 20, force: true, priority: 0 }, maxStrengths: 3, minSupport: 0.05 });
    assert.deepEqual(report!.steps.map((s) => s.step[0]), ["A", "B", "C", "D", "E", "F", "G", "H"]);
    for (const s of report!.steps) assert.ok(s.ms >= 0);
    const positive = new Set(reviews.filter((r) => r.restaurant_id === "r003" && r.rating >= 4).map((r) => r.review_id));
    assert.ok(result!.strengths.length <= 3);
    for (const s of result!.strengths) {
      assert.ok(s.statement.length > 0);
      assert.ok(s.evidenceReviewIds.length > 0);
      for (const id of s.evidenceReviewIds) assert.ok(positive.has(id), `evidence ${id} is a positive review of r003`);
    }
    assert.ok(report!.llmRequests >= 1);
    const root = await waitFor(() => receiver.spans.find((s) => s.service === "summarization" && s.name.endsWith("ExtractStrengths")), "the ExtractStrengths span", 15_000);
    const steps = await waitFor(() => {
      const found = receiver.spans.filter((s) => s.traceId === root.traceId && s.name.startsWith("step "));
      return found.length === 8 ? found : undefined;
    }, "eight step spans in the same trace", 15_000);
    assert.deepEqual(steps.map((s) => s.name[5]).sort(), ["A", "B", "C", "D", "E", "F", "G", "H"]);
  });

  it("refuses bad input with INVALID_ARGUMENT naming the field", async () => {
    const fieldOf = (re: RegExp) => (e: { code: Status; details: string }) => e.code === Status.INVALID_ARGUMENT && re.test(e.details);
    await assert.rejects(client.summarize({ restaurantId: "r001", aspects: ["Taste!"] }), fieldOf(/aspects\[0\]/));
    await assert.rejects(client.extractStrengths({ restaurantId: "r001", maxStrengths: 99 }), fieldOf(/max_strengths/));
    await assert.rejects(client.extractStrengths({ restaurantId: "r001", minSupport: 1.5 }), fieldOf(/min_support/));
    await assert.rejects(client.extractStrengths({ restaurantId: "r001", minSupport: Number.NaN }), fieldOf(/^min_support: /));
    await assert.rejects(client.summarize({ restaurantId: "bad id with spaces" }), fieldOf(/restaurant_id/));
  });
});
