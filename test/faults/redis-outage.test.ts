// Fault under load: Redis (the analysis lock shared by two sentiment replicas) killed and started
// again, empty, while every restaurant gets duplicate forced analyses from both replicas without
// pause. No analysis runs twice: the LLM requests of one restaurant never overlap in time, and the
// simulator served exactly the LLM requests of the completed analyses. Refusals are ALREADY_EXISTS
// (the lock is held) or UNAVAILABLE naming the lock store.
import assert from "node:assert/strict";
import { execSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { common, sentiment } from "@reviewlens/contracts";
import { createServiceClient } from "@reviewlens/runtime";
import { createTestDatabase, uploadReviewRecords, waitFor, type TestDatabase } from "@reviewlens/testkit";
import { Status } from "nice-grpc";
import pg from "pg";
import { FaultStack, type Slot } from "./fault-stack.js";
import { prefixedReviews, restaurantsOf, scrapeSum, simRequests } from "./fault-fixtures.js";
import { writeFaultRecord } from "./fault-record.js";
import { countByCode, SteadyLoad } from "./steady-load.js";

const redisUrl = process.env["TEST_REDIS_URL"];
if (!redisUrl) throw new Error("TEST_REDIS_URL is not set: run through scripts/test-servers.sh");

const PREFIX = "rd";
const reviews = prefixedReviews(PREFIX, 3, 12);
const LOCK_TTL_MS = 8_000;
let db: TestDatabase;
let stack: FaultStack;
const clients: Array<ReturnType<typeof createServiceClient<typeof sentiment.SentimentServiceDefinition>>> = [];

before(async () => {
  db = await createTestDatabase("faults_redis");
  stack = await FaultStack.start({
    // Four times slower than real time: an analysis holds its lock for seconds, longer than the outage.
    simArgs: ["--time-scale", "4", "--mean-output-tokens", "24"],
    env: { DATABASE_URL: db.url, METRICS_FLUSH_INTERVAL_MS: "50" },
    serviceEnv: {
      // All of a restaurant's reviews in one answer: one LLM request per analysis, so the requests of
      // one restaurant that overlap belong to two analyses (the check below).
      sentiment: { REDIS_URL: redisUrl, LOCK_KEY_PREFIX: `faults-${randomBytes(3).toString("hex")}:`, LOCK_TTL_MS: String(LOCK_TTL_MS), SENTIMENT_REVIEWS_PER_ANSWER: "200" },
    },
    twoReplicas: ["sentiment"],
  });
  for (const slot of [0, 1] as Slot[]) clients.push(createServiceClient(sentiment.SentimentServiceDefinition, stack.slotAddress("sentiment", slot)));
  await uploadReviewRecords(stack.slotAddress("vector-search", 0), reviews);
});

after(async () => {
  execSync(`redis-cli -u ${redisUrl} ping >/dev/null 2>&1 || ${process.env["TEST_REDIS_SERVER_CMD"]}`, { stdio: "ignore", shell: "/bin/bash" });
  for (const c of clients) c.channel.close();
  await stack?.stop();
  await db?.drop();
});

/** Each restaurant's LLM requests as [start, end] on the gateway's clock, ordered by start. */
async function llmIntervals(): Promise<Map<string, Array<{ start: number; end: number }>>> {
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  try {
    const r = await pool.query<{ restaurant_id: string; end_ms: number; e2e_ms: number }>(
      "SELECT restaurant_id, extract(epoch FROM created_at) * 1000 AS end_ms, e2e_ms FROM vllm_metrics WHERE restaurant_id LIKE $1",
      [`${PREFIX}-%`],
    );
    const byRestaurant = new Map<string, Array<{ start: number; end: number }>>();
    for (const row of r.rows) {
      const list = byRestaurant.get(row.restaurant_id) ?? [];
      list.push({ start: Number(row.end_ms) - row.e2e_ms, end: Number(row.end_ms) });
      byRestaurant.set(row.restaurant_id, list);
    }
    for (const list of byRestaurant.values()) list.sort((a, b) => a.start - b.start);
    return byRestaurant;
  } finally {
    await pool.end();
  }
}

test("Redis killed and restarted during concurrent duplicate analyses: none runs twice, refusals are ALREADY_EXISTS or UNAVAILABLE naming the lock store", async () => {
  const restaurants = restaurantsOf(reviews);
  const simBefore = await simRequests(stack.sims[0]!.url);
  // Two loops per restaurant, one through each replica, each calling again 100 ms after an answer.
  const load = new SteadyLoad(
    async (loop, _iteration, signal) => {
      const key = restaurants[loop % restaurants.length]!;
      const client = clients[Math.floor(loop / restaurants.length) % 2]!.client;
      try {
        const r = await client.analyzeRestaurant({ restaurantId: key, options: { topK: 0, force: true, priority: common.Priority.PRIORITY_STANDARD } }, { signal });
        return { kind: "sentiment", key, llmRequests: r.report!.llmRequests };
      } catch (error) {
        throw Object.assign(error as Error, { kind: "sentiment", key });
      }
    },
    restaurants.length * 2,
    `duplicate forced sentiment analyses: ${restaurants.length} restaurants x 2 replicas, each loop calling again 100 ms after an answer`,
    100,
  ).start();
  await waitFor(() => load.succeededSince(0).length >= restaurants.length || undefined, "every restaurant analysed once");
  // Kill Redis while analyses hold their locks (the simulator is working on their requests).
  await waitFor(async () => (await scrapeSum(`${stack.sims[0]!.url}/metrics`, "vllm:num_requests_running")) >= 2 || undefined, "analyses running", 60_000, 20);
  const killedAt = Date.now();
  execSync(`redis-cli -u ${redisUrl} shutdown nosave`, { stdio: "ignore" });
  let restartedAt: number;
  try {
    await waitFor(() => load.outcomes.some((o) => o.code === Status.UNAVAILABLE && o.startedAt >= killedAt) || undefined, "an analysis refused while Redis is down");
  } finally {
    execSync(process.env["TEST_REDIS_SERVER_CMD"]!, { stdio: "ignore", shell: "/bin/bash" });
    restartedAt = Date.now();
  }
  const firstAfter = await waitFor(() => load.succeededSince(restartedAt)[0], "an analysis completed after the restart");
  await waitFor(() => load.succeededSince(restartedAt).length >= restaurants.length * 2 || undefined, "analyses after the restart");
  const outcomes = await load.stop();

  const completed = outcomes.filter((o) => o.code === Status.OK);
  for (const o of completed) assert.equal(o.llmRequests, 1, "one LLM request per analysis (what the overlap check below relies on)");
  for (const o of outcomes.filter((x) => x.code !== Status.OK)) {
    if (o.code === Status.ALREADY_EXISTS) assert.match(o.details, /sentiment analysis of restaurant rd-r\d+ is already running/);
    else {
      assert.equal(o.code, Status.UNAVAILABLE, `${Status[o.code]}: ${o.details}`);
      assert.match(o.details, /lock store Redis at redis:\/\/127\.0\.0\.1:\d+ /, o.details);
    }
  }

  // Nothing ran that was not answered as COMPLETED, and no two runs of a restaurant overlapped.
  const served = await waitFor(async () => {
    const n = (await simRequests(stack.sims[0]!.url)) - simBefore;
    return n >= completed.length ? n : undefined;
  }, "the simulator's count");
  await stack.stop(); // flushes the vllm_metrics rows
  const intervals = await llmIntervals();
  let overlaps = 0;
  for (const [restaurant, list] of intervals) {
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.start < list[i - 1]!.end) {
        overlaps++;
        assert.fail(`two analyses of ${restaurant} ran at once: LLM requests ${JSON.stringify(list[i - 1])} and ${JSON.stringify(list[i])}`);
      }
    }
  }
  const rowCount = [...intervals.values()].reduce((n, l) => n + l.length, 0);
  assert.equal(rowCount, completed.length, "one vllm_metrics row per completed analysis");
  assert.equal(served, completed.length, "the simulator served exactly the completed analyses' requests");

  const refused = countByCode(outcomes.filter((o) => o.code !== Status.OK));
  writeFaultRecord({
    fault: "Redis killed and restarted during concurrent duplicate analyses (2 sentiment replicas)",
    load: load.description,
    sent: outcomes.length,
    succeeded: completed.length,
    refused,
    lost: outcomes.filter((o) => ![Status.OK, Status.ALREADY_EXISTS, Status.UNAVAILABLE].includes(o.code)).length,
    duplicated: overlaps + Math.max(0, served - completed.length),
    recoveryMs: firstAfter.endedAt - killedAt,
    reconciliation: `${completed.length} analyses completed, the simulator served ${served} LLM requests, vllm_metrics holds ${rowCount}; no two LLM requests of one restaurant overlapped; Redis was down ${Math.round((restartedAt - killedAt) / 1000)} s; recovery = kill to the first analysis completed after the restart`,
  });
});
