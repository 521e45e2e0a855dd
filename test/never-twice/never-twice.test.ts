// Issue 9 end to end: the real stack (vllm-sim, gateway, vector-search, sentiment, summarization) on
// loopback with a real redis-server and PostgreSQL, and the scheduler as a process.
import assert from "node:assert/strict";
import { execSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { common, sentiment } from "@reviewlens/contracts";
import {
  createTestDatabase,
  runToExit,
  startAnalysisStack,
  startServiceProcess,
  uploadReviewRecords,
  waitFor,
  type AnalysisStack,
  type ReviewRecordLike,
  type ServiceProcess,
  type TestDatabase,
} from "@reviewlens/testkit";
import { createChannel, createClient, Status, type Channel, type Client } from "nice-grpc";

const redisUrl = process.env["TEST_REDIS_URL"];
if (!redisUrl) throw new Error("TEST_REDIS_URL is not set: run through scripts/test-servers.sh");

const LOCK_TTL_MS = 3_000;
let stack: AnalysisStack;
let db: TestDatabase;
let analysisEnv: Record<string, string>;
const channels: Channel[] = [];
const extra: ServiceProcess[] = [];

function sentimentClient(address: string): Client<typeof sentiment.SentimentServiceDefinition> {
  const channel = createChannel(address);
  channels.push(channel);
  return createClient(sentiment.SentimentServiceDefinition, channel);
}

function reviews(restaurantId: string, n: number, from = 0): ReviewRecordLike[] {
  const phrases = ["국물이 진하고 맛있어요", "직원이 친절했어요", "가격이 조금 비싸요", "웨이팅이 길었어요", "양이 푸짐해요", "매장이 깨끗해요"];
  return Array.from({ length: n }, (_, i) => ({
    review_id: `${restaurantId}-rv${from + i}`,
    restaurant_id: restaurantId,
    text: `${phrases[(from + i) % phrases.length]} ${phrases[(from + i + 2) % phrases.length]} (${from + i})`,
    rating: 1 + ((from + i) % 5),
    created_at: new Date(Date.UTC(2026, 0, 1 + ((from + i) % 28))).toISOString(),
  }));
}

/** Generation requests the simulator has answered (vllm:request_success_total over reasons). */
async function simRequests(): Promise<number> {
  const text = await (await fetch(`${stack.simUrl}/metrics`)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith("vllm:request_success_total{"))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

const prefix = `e2e-${randomBytes(3).toString("hex")}:`;
before(async () => {
  db = await createTestDatabase("never_twice");
  analysisEnv = { REDIS_URL: redisUrl, DATABASE_URL: db.url, LOCK_KEY_PREFIX: prefix, LOCK_TTL_MS: String(LOCK_TTL_MS), METRICS_FLUSH_INTERVAL_MS: "50" };
  stack = await startAnalysisStack({ simArgs: ["--time-scale", "1", "--mean-output-tokens", "32"], analysisEnv });
  await uploadReviewRecords(stack.vectorSearch.address, [...reviews("nt-r1", 24), ...reviews("nt-r2", 12), ...reviews("nt-r3", 6)]);
});
after(async () => {
  for (const c of channels) c.close();
  await Promise.all(extra.map((p) => p.stop("SIGKILL")));
  await stack?.stop();
  await db?.drop();
});

test("20 concurrent identical AnalyzeRestaurant calls: one LLM run, the others ALREADY_EXISTS; then SKIPPED with no request", async () => {
  const client = sentimentClient(stack.sentiment.address);
  const before = await simRequests();
  const calls = await Promise.allSettled(Array.from({ length: 20 }, () => client.analyzeRestaurant({ restaurantId: "nt-r1" })));
  const done = calls.filter((c): c is PromiseFulfilledResult<sentiment.AnalyzeRestaurantResponse> => c.status === "fulfilled");
  const refused = calls.filter((c): c is PromiseRejectedResult => c.status === "rejected");
  assert.equal(done.length, 1, `one call ran: ${refused.map((r) => String(r.reason)).slice(0, 2).join(" | ")}`);
  assert.equal(refused.length, 19);
  for (const r of refused) {
    const reason = r.reason as { code?: Status; details?: string };
    assert.equal(reason.code, Status.ALREADY_EXISTS);
    assert.match(reason.details ?? "", /sentiment analysis of restaurant nt-r1 is already running \(held for \d+\.\d s\)/);
  }
  const report = done[0]!.value.report!;
  assert.equal(report.status, common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED);
  assert.ok(report.llmRequests > 0);
  await waitFor(async () => (await simRequests()) - before >= report.llmRequests || undefined, "the run's requests to be counted");
  assert.equal((await simRequests()) - before, report.llmRequests, "the simulator saw exactly one analysis' requests");

  const beforeSkip = await simRequests();
  const again = await client.analyzeRestaurant({ restaurantId: "nt-r1" });
  assert.equal(again.report?.status, common.AnalysisStatus.ANALYSIS_STATUS_SKIPPED);
  assert.deepEqual(again.result, done[0]!.value.result, "the stored result comes back");
  assert.ok((again.report?.resultAge?.ageSeconds ?? -1) >= 0);
  assert.ok(again.report?.resultAge?.analyzedAt);
  assert.equal(await simRequests(), beforeSkip, "SKIP made no backend request");

  // A new review changes the version: the next call runs.
  await uploadReviewRecords(stack.vectorSearch.address, reviews("nt-r1", 1, 100));
  const afterUpload = await simRequests();
  const rerun = await client.analyzeRestaurant({ restaurantId: "nt-r1" });
  assert.equal(rerun.report?.status, common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED);
  await waitFor(async () => (await simRequests()) > afterUpload || undefined, "the rerun to reach the simulator");
});

test("a sentiment process SIGKILLed mid-analysis leaves a lock that expires after its TTL; the next call runs", async () => {
  const holder = await startServiceProcess({
    entry: "services/sentiment/src/main.ts",
    env: { DATA_DIR: stack.dataDir, GATEWAY_ADDR: stack.gateway.address, VECTOR_SEARCH_ADDR: stack.vectorSearch.address, ...analysisEnv },
    timeoutMs: 120_000,
  });
  extra.push(holder);
  const running = sentimentClient(holder.address).analyzeRestaurant({ restaurantId: "nt-r2" }).catch((e: unknown) => e);
  const started = await simRequests();
  // Kill it while its LLM requests are in flight (the simulator runs in real time here).
  await waitFor(async () => {
    const text = await (await fetch(`${stack.simUrl}/metrics`)).text();
    const runningLine = text.split("\n").find((l) => l.startsWith("vllm:num_requests_running{"));
    return Number(runningLine?.slice(runningLine.lastIndexOf(" ") + 1) ?? 0) > 0 || undefined;
  }, "the analysis to reach the simulator", 30_000, 20);
  holder.child.kill("SIGKILL");
  const killedAt = Date.now();
  await running;
  const client = sentimentClient(stack.sentiment.address);
  await assert.rejects(client.analyzeRestaurant({ restaurantId: "nt-r2" }), (err: { code: number; details: string }) => {
    assert.equal(err.code, Status.ALREADY_EXISTS, err.details);
    return true;
  });
  const response = await waitFor(async () => {
    try {
      return await client.analyzeRestaurant({ restaurantId: "nt-r2" });
    } catch (err) {
      if ((err as { code?: Status }).code !== Status.ALREADY_EXISTS) throw err;
      return undefined;
    }
  }, "the dead holder's lock to expire", LOCK_TTL_MS + 10_000, 200);
  assert.equal(response.report?.status, common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED, "nothing was stored by the killed run, so this one runs");
  assert.ok(Date.now() - killedAt >= LOCK_TTL_MS - 1_500, "the lock outlived its holder until about its TTL");
  assert.ok((await simRequests()) > started);
});

test("Redis stopped: the analysis is refused with UNAVAILABLE and a clear message, and works again after restart", async () => {
  const client = sentimentClient(stack.sentiment.address);
  execSync(`redis-cli -u ${redisUrl} shutdown nosave`, { stdio: "ignore" });
  try {
    await assert.rejects(client.analyzeRestaurant({ restaurantId: "nt-r1", options: { topK: 0, force: true, priority: 0 } }), (err: { code: number; details: string }) => {
      assert.equal(err.code, Status.UNAVAILABLE);
      assert.match(err.details, /lock store Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable.*LOCK_UNAVAILABLE=fail/s);
      return true;
    });
  } finally {
    execSync(process.env["TEST_REDIS_SERVER_CMD"]!, { stdio: "ignore", shell: "/bin/bash" });
  }
  const back = await waitFor(async () => {
    try {
      return await client.analyzeRestaurant({ restaurantId: "nt-r1" });
    } catch {
      return undefined;
    }
  }, "analyses to work after Redis restarts", 15_000, 200);
  assert.equal(back.report?.status, common.AnalysisStatus.ANALYSIS_STATUS_SKIPPED, "SKIP state survived in PostgreSQL");
});

test("the scheduler: dry run shows the choice without running; a run analyses only what is due, at batch priority", async () => {
  const env = {
    DATABASE_URL: db.url,
    VECTOR_SEARCH_ADDR: stack.vectorSearch.address,
    SENTIMENT_ADDR: stack.sentiment.address,
    SUMMARIZATION_ADDR: stack.summarization.address,
  };
  const args = ["--json", "--analyses", "sentiment", "--tiers", "0-:60"];
  const beforeDry = await simRequests();
  const dry = await runToExit("services/scheduler/src/main.ts", env, [...args, "--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  const dryOut = JSON.parse(dry.stdout) as { plan: { restaurantId: string; chosen: boolean; reason: string }[]; summary: { dryRun: boolean; analysesRequested: number } };
  const chosen = (out: typeof dryOut) => out.plan.filter((p) => p.chosen).map((p) => p.restaurantId).sort();
  // nt-r1 and nt-r2 were analysed minutes ago (within the 60 min tier interval); nt-r3 never was.
  assert.deepEqual(chosen(dryOut), ["nt-r3"]);
  assert.match(dryOut.plan.find((p) => p.restaurantId === "nt-r1")!.reason, /since last < tier interval 60 min/);
  assert.equal(dryOut.summary.analysesRequested, 0);
  assert.equal(await simRequests(), beforeDry, "a dry run sends nothing");

  const real = await runToExit("services/scheduler/src/main.ts", env, args);
  assert.equal(real.code, 0, real.stderr);
  const realOut = JSON.parse(real.stdout) as { summary: { outcomes: { completed: number; skipped: number; failed: number } } };
  assert.deepEqual(realOut.summary.outcomes, { completed: 1, skipped: 0, failed: 0 });
  const gatewayMetrics = await (await fetch(`http://127.0.0.1:${stack.gateway.metricsPort}/metrics`)).text();
  const batchLine = gatewayMetrics.split("\n").find((l) => l.startsWith("gateway_requests_total{") && l.includes('priority="batch"') && l.includes('outcome="completed"'));
  assert.ok(Number(batchLine?.slice(batchLine.lastIndexOf(" ") + 1) ?? 0) > 0, "the scheduled analysis went through the gateway's batch class");
  const state = await waitFor(async () => {
    const client = sentimentClient(stack.sentiment.address);
    const r = await client.analyzeRestaurant({ restaurantId: "nt-r3" });
    return r.report?.status === common.AnalysisStatus.ANALYSIS_STATUS_SKIPPED ? r : undefined;
  }, "the scheduled result to be stored");
  assert.ok(state.result);

});
