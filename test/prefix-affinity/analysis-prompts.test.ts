// The prompts of one analysis share their prefix (instructions, then its reviews) and are sent
// together; with two simulator replicas behind the gateway (prefix affinity, its defaults) they all
// go to one replica, whose prefix cache computes the shared prompt once. Analyses of different
// restaurants run at the same time and still each keep to their own replica.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { common, sentiment, summarization } from "@reviewlens/contracts";
import { generateDataset } from "@reviewlens/demo-data";
import { createTestDatabase, startAnalysisStack, uploadReviewRecords, waitFor, type AnalysisStack, type TestDatabase } from "@reviewlens/testkit";
import pg from "pg";
import { createChannel, createClient, type Channel } from "nice-grpc";

let stack: AnalysisStack;
let db: TestDatabase;
const channels: Channel[] = [];

before(async () => {
  db = await createTestDatabase("prefix_affinity");
  stack = await startAnalysisStack({ simReplicas: 2, simArgs: ["--time-scale", "0.05", "--seed", "3"], env: { DATABASE_URL: db.url, METRICS_FLUSH_INTERVAL_MS: "100" } });
  const { reviews } = generateDataset({ seed: 5, restaurants: 4, reviewsPerRestaurant: 30 });
  assert.equal((await uploadReviewRecords(stack.vectorSearch.address, reviews)).upserted, reviews.length);
});

after(async () => {
  for (const c of channels) c.close();
  await stack?.stop();
  await db?.drop();
});

function client<D extends typeof sentiment.SentimentServiceDefinition | typeof summarization.SummarizationServiceDefinition>(definition: D, address: string) {
  const channel = createChannel(address);
  channels.push(channel);
  return createClient(definition, channel);
}

/** The backend of every vllm_metrics row of a restaurant's analysis, once the gateway has written them all. */
async function backendsOf(restaurantId: string, analysisType: string, requests: number): Promise<string[]> {
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  try {
    return await waitFor(async () => {
      const { rows } = await sql.query<{ backend: string }>("SELECT backend FROM vllm_metrics WHERE restaurant_id = $1 AND analysis_type = $2", [restaurantId, analysisType]);
      return rows.length >= requests ? rows.map((r) => r.backend) : undefined;
    }, `${requests} vllm_metrics rows of ${analysisType} of ${restaurantId}`);
  } finally {
    await sql.end();
  }
}

test("each analysis's prompts, sent together, go to one replica and its prefix cache serves all but the first", async () => {
  const sentimentClient = client(sentiment.SentimentServiceDefinition, stack.sentiment.address);
  const summaryClient = client(summarization.SummarizationServiceDefinition, stack.summarization.address);
  const options = { topK: 20, force: true, priority: common.Priority.PRIORITY_INTERACTIVE };
  // Three analyses at once: two sentiments and a summary of different restaurants.
  const [a, b, s] = await Promise.all([
    sentimentClient.analyzeRestaurant({ restaurantId: "r001", options }),
    sentimentClient.analyzeRestaurant({ restaurantId: "r002", options }),
    summaryClient.summarize({ restaurantId: "r003", options }),
  ]);
  const runs = [
    { restaurantId: "r001", analysisType: "sentiment", report: a.report! },
    { restaurantId: "r002", analysisType: "sentiment", report: b.report! },
    { restaurantId: "r003", analysisType: "summary", report: s.report! },
  ];
  for (const { restaurantId, analysisType, report } of runs) {
    assert.equal(report.status, common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED);
    assert.ok(report.llmRequests >= 8, `${analysisType} of ${restaurantId} fanned out: ${report.llmRequests} requests`);
    const backends = await backendsOf(restaurantId, analysisType, report.llmRequests);
    assert.equal(backends.length, report.llmRequests);
    assert.equal(new Set(backends).size, 1, `${analysisType} of ${restaurantId} on one replica: ${backends.join(", ")}`);
    assert.ok(stack.sims.some((sim) => sim.url === backends[0]));
    // Every copy after the first is served from the cache but for its last block.
    const u = report.usage!;
    const perPrompt = u.promptTokens / report.llmRequests;
    assert.ok(u.cachedPromptTokens >= (report.llmRequests - 1) * (perPrompt - 16), `${u.cachedPromptTokens} of ${u.promptTokens} prompt tokens cached`);
  }
});
