// vllm_metrics rows in real PostgreSQL match the responses (and survive an outage), readiness
// follows backend health, and SIGTERM drains in-flight streams before the process exits 0.
import assert from "node:assert/strict";
import { execSync } from "node:child_process";
import { after, before, test } from "node:test";
import { common } from "@reviewlens/contracts";
import { createTestDatabase, waitFor, type TestDatabase } from "@reviewlens/testkit";
import { HealthCheckResponse_ServingStatus } from "nice-grpc-server-health/lib/proto/grpc/health/v1/health.js";
import pg from "pg";
import { llmRequest, servingStatus, setBackends, startGateway, startSim, type Gateway, type Sim } from "./gateway-harness.js";

let sim: Sim;
let gateway: Gateway;
let db: TestDatabase;
let sql: pg.Pool;

function pgCtl(action: "stop" | "start"): void {
  const ctl = process.env["TEST_PG_CTL"];
  if (!ctl) throw new Error("TEST_PG_CTL is not set: run through scripts/test-servers.sh");
  execSync(action === "start" ? `${ctl} status >/dev/null || ${ctl} start` : `${ctl} stop`, { stdio: "ignore", shell: "/bin/bash" });
}

before(async () => {
  db = await createTestDatabase("gateway_metrics");
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
  sql.on("error", () => {}); // connections die while PostgreSQL is stopped
  [sim, gateway] = await Promise.all([
    startSim(["--time-scale", "0.1"]),
    startGateway({ GATEWAY_BACKEND_URLS: "http://127.0.0.1:9", DATABASE_URL: db.url, METRICS_RETRY_MAX_MS: "200", DRAIN_TIMEOUT_MS: "60000" }, { waitHealthy: false }),
  ]);
});

after(async () => {
  pgCtl("start");
  await gateway?.close();
  await sim?.process.stop();
  await sql?.end();
  await db?.drop();
});

test("readiness is NOT_SERVING until a backend is healthy", async () => {
  assert.equal(await servingStatus(gateway.process.address), HealthCheckResponse_ServingStatus.NOT_SERVING);
  await setBackends(gateway, [sim.url]);
  await waitFor(async () => (await servingStatus(gateway.process.address)) === HealthCheckResponse_ServingStatus.SERVING || undefined, "SERVING");
});

interface Row {
  request_id: string;
  restaurant_id: string;
  analysis_type: string;
  priority: string;
  backend: string;
  queue_ms: number;
  ttft_ms: number;
  prefill_ms: number;
  decode_ms: number;
  e2e_ms: number;
  prompt_tokens: number;
  cached_prompt_tokens: number;
  output_tokens: number;
  tpot_ms: number;
  met_slo: boolean;
}

async function rows(ids: string[]): Promise<Map<string, Row>> {
  const result = await sql.query<Row>("SELECT * FROM vllm_metrics WHERE request_id = ANY($1)", [ids]);
  return new Map(result.rows.map((r) => [r.request_id, r]));
}

test("one vllm_metrics row per response, matching what the response reported", async () => {
  const priorities = [common.Priority.PRIORITY_INTERACTIVE, common.Priority.PRIORITY_STANDARD, common.Priority.PRIORITY_BATCH];
  const responses = await Promise.all(
    Array.from({ length: 9 }, (_, i) =>
      gateway.client.complete({
        request: llmRequest(`review batch ${i}`, { restaurantId: `r${i % 3}`, analysisType: "sentiment", priority: priorities[i % 3]! }, { maxTokens: 6 + i, ignoreEos: true }),
      }),
    ),
  );
  const ids = responses.map((r) => r.execution!.requestId);
  const stored = await waitFor(async () => {
    const found = await rows(ids);
    return found.size === ids.length ? found : undefined;
  }, "every row written");
  responses.forEach((response, i) => {
    const row = stored.get(response.execution!.requestId)!;
    assert.equal(row.restaurant_id, `r${i % 3}`);
    assert.equal(row.analysis_type, "sentiment");
    assert.equal(row.priority, ["interactive", "standard", "batch"][i % 3]);
    assert.equal(row.backend, response.execution!.backend);
    assert.equal(row.prompt_tokens, response.usage!.promptTokens);
    assert.equal(row.cached_prompt_tokens, response.usage!.cachedPromptTokens);
    assert.equal(row.output_tokens, 6 + i);
    assert.equal(row.met_slo, response.execution!.metSlo);
    for (const [column, reported] of [
      ["queue_ms", response.timings!.queueMs],
      ["ttft_ms", response.timings!.ttftMs],
      ["prefill_ms", response.timings!.prefillMs],
      ["decode_ms", response.timings!.decodeMs],
      ["e2e_ms", response.timings!.e2eMs],
      ["tpot_ms", response.timings!.tpotMs],
    ] as const) {
      assert.ok(Math.abs(row[column] - reported) < 1e-6, `${column}: ${row[column]} vs ${reported}`);
    }
  });
});

test("the prompt tokens the backend served from its prefix cache reach the response and the row", async () => {
  const shared = `${"Label the sentiment of each review below and answer in JSON. ".repeat(20)}`;
  const first = await gateway.client.complete({ request: llmRequest(`${shared} first`, { restaurantId: "cache" }) });
  const second = await gateway.client.complete({ request: llmRequest(`${shared} second`, { restaurantId: "cache" }) });
  assert.equal(first.usage!.cachedPromptTokens, 0, "a new prompt computes every token");
  const cached = second.usage!.cachedPromptTokens;
  // Whole 16-token blocks of the shared prefix, not the differing tail.
  assert.ok(cached > 0 && cached % 16 === 0 && cached < second.usage!.promptTokens, `${cached} of ${second.usage!.promptTokens}`);
  const stored = await waitFor(async () => {
    const found = await rows([first.execution!.requestId, second.execution!.requestId]);
    return found.size === 2 ? found : undefined;
  }, "both rows written");
  assert.equal(stored.get(second.execution!.requestId)!.cached_prompt_tokens, cached);
  assert.equal(stored.get(first.execution!.requestId)!.cached_prompt_tokens, 0);
});

test("stopping PostgreSQL during load fails no request, and the rows arrive after it is back", async () => {
  pgCtl("stop");
  let responses;
  try {
    responses = await Promise.all(Array.from({ length: 10 }, (_, i) => gateway.client.complete({ request: llmRequest(`during the outage ${i}`, { restaurantId: "outage" }) })));
  } finally {
    pgCtl("start");
  }
  assert.equal(responses.length, 10);
  const ids = responses.map((r) => r.execution!.requestId);
  await waitFor(async () => ((await rows(ids)).size === ids.length) || undefined, "the rows written after the outage", 30_000);
});

test("SIGTERM: NOT_SERVING at once, the in-flight stream finishes, its row is flushed, exit 0", async () => {
  const messages = gateway.client.generate({ request: llmRequest("draining", {}, { maxTokens: 1_500, ignoreEos: true }) });
  const iterator = messages[Symbol.asyncIterator]();
  await iterator.next();
  gateway.process.child.kill("SIGTERM");
  await waitFor(async () => (await servingStatus(gateway.process.address).catch(() => HealthCheckResponse_ServingStatus.NOT_SERVING)) === HealthCheckResponse_ServingStatus.NOT_SERVING || undefined, "NOT_SERVING");
  let last;
  for (let step = await iterator.next(); !step.done; step = await iterator.next()) last = step.value;
  assert.equal(last?.usage?.outputTokens, 1_500);
  assert.equal(await gateway.process.exited, 0);
  assert.equal((await rows([last.execution!.requestId])).size, 1);
});
