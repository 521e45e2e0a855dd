// Issue 24 end to end, real processes on loopback: the watchdog stops an idle simulator (command
// actuator, a model load on each start), an analysis arrives at the gateway, which holds it; the
// watchdog sees the held request and starts the simulator once, although two gateways hold
// requests; the analysis completes, and the gateways' metrics show the wait.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { common, inference, sentiment } from "@reviewlens/contracts";
import {
  freePort,
  prometheusSum,
  startAnalysisStack,
  startRecordingServer,
  startServiceProcess,
  uploadReviewRecords,
  waitFor,
  type ExternalBackendStack,
  type RecordingServer,
  type ReviewRecordLike,
  type ServiceProcess,
} from "@reviewlens/testkit";
import { createChannel, createClient, type Channel } from "nice-grpc";
import { simSwitch, type SimSwitch } from "./sim-switch.js";

const WAKEABLE = { GATEWAY_WAKEABLE: "true", GATEWAY_WAKE_COLD_START_MS: "30000", GATEWAY_PROBE_INTERVAL_MS: "200" };

let dir: string;
let sim: SimSwitch;
let stack: ExternalBackendStack;
let gatewayB: ServiceProcess;
let watchdog: ServiceProcess;
let hook: RecordingServer;
const channels: Channel[] = [];

const reviews: ReviewRecordLike[] = Array.from({ length: 12 }, (_, i) => ({
  review_id: `stz-r1-${i}`,
  restaurant_id: "stz-r1",
  text: ["The broth was deep and rich", "Service was quick and kind", "A bit pricey for the portion", "Long wait at lunch"][i % 4]! + ` (${i})`,
  rating: 1 + (i % 5),
  created_at: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
}));

const metricsUrl = (p: ServiceProcess) => `http://127.0.0.1:${p.metricsPort}/metrics`;
const metric = async (p: ServiceProcess, name: string, labels: Record<string, string> = {}) => prometheusSum(await (await fetch(metricsUrl(p))).text(), name, labels);
const decisions = () => watchdog.logs.filter((l) => typeof l["decision"] === "string");

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "scale-to-zero-"));
  // 180 virtual seconds of model load at 1/100: /health answers 503 for 1.8 s after each start.
  sim = simSwitch(dir, await freePort(), ["--time-scale", "0.01", "--startup-delay-seconds", "180", "--seed", "3"]);
  sim.launch();
  await waitFor(async () => (await fetch(`${sim.url}/health`).then((r) => r.status, () => 0)) === 200 || undefined, "the simulator's first start");
  stack = await startAnalysisStack({ simUrl: sim.url, gatewayEnv: WAKEABLE });
  const dataB = join(dir, "gateway-b");
  gatewayB = await startServiceProcess({ entry: "services/inference-gateway/src/main.ts", env: { GATEWAY_BACKEND_URLS: sim.url, GATEWAY_HTTP_PORT: "0", DATA_DIR: dataB, ...WAKEABLE } });
  await uploadReviewRecords(stack.vectorSearch.address, reviews);
  hook = await startRecordingServer(() => ({ status: 204 }));
  watchdog = await startServiceProcess({
    entry: "services/watchdog/src/main.ts",
    args: [
      "--actuator=command",
      `--stop-command=${sim.stopCommand}`,
      "--wake",
      `--start-command=${sim.startCommand}`,
      "--wake-timeout=600",
      "--check-interval=0.5",
      "--idle-limit=3",
      "--min-runtime=0",
      "--gpu-signal=none",
      `--gateway-metrics-url=${metricsUrl(stack.gateway)}`,
      `--gateway-metrics-url=${metricsUrl(gatewayB)}`,
      `--vllm-metrics-url=${sim.url}/metrics`,
      `--webhook-url=${hook.url}/hook`,
      "--metrics-port=0",
    ],
    readyWhen: (line) => typeof line["metricsPort"] === "number" && String(line["msg"]).startsWith("watchdog watching"),
  });
});

after(async () => {
  for (const c of channels) c.close();
  await watchdog?.stop();
  await gatewayB?.stop();
  await stack?.stop();
  await sim?.kill();
  await hook?.close();
  await rm(dir, { recursive: true, force: true });
});

test("stopped after an idle spell, woken once by the watchdog for the requests two gateways hold; the analysis completes", async () => {
  // The idle spell: the watchdog stops the simulator, both gateways see their pool cold and stay ready.
  await waitFor(() => decisions().some((d) => d["decision"] === "stop") || undefined, "the watchdog's stop");
  await waitFor(async () => !(await sim.running()) || undefined, "the simulator gone");
  for (const g of [stack.gateway, gatewayB]) await waitFor(async () => (await metric(g, "gateway_pool_state", { state: "cold" })) === 1 || undefined, "the gateway's pool cold");
  assert.equal(await sim.starts(), 0);

  // An analysis arrives at gateway A (through the sentiment service), a completion at gateway B.
  const sentimentChannel = createChannel(stack.sentiment.address);
  const gatewayChannel = createChannel(gatewayB.address);
  channels.push(sentimentChannel, gatewayChannel);
  const analysis = createClient(sentiment.SentimentServiceDefinition, sentimentChannel).analyzeRestaurant({
    restaurantId: "stz-r1",
    options: { topK: 12, priority: common.Priority.PRIORITY_STANDARD },
  });
  const completion = createClient(inference.InferenceGatewayServiceDefinition, gatewayChannel).complete({
    request: inference.LlmRequest.fromPartial({ prompt: { $case: "text", value: "A review held at the second gateway." }, sampling: { maxTokens: 8 }, priority: common.Priority.PRIORITY_BATCH }),
  });
  // Both are held: the gateways' wake signal is up, and the watchdog acts on it.
  await waitFor(async () => ((await metric(stack.gateway, "gateway_cold_pool_queued_requests")) > 0 && (await metric(gatewayB, "gateway_cold_pool_queued_requests")) === 1) || undefined, "requests held at both gateways");

  const [{ result, report }, answer] = await Promise.all([analysis, completion]);
  assert.equal(report?.status, common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED, report?.error);
  assert.equal(result?.reviews.length, 12, "every TOP-K review labelled");
  assert.ok(answer.usage!.outputTokens > 0);

  // One wake: one start command, one "wake" decision, the webhook told of the stop, then of the wake.
  assert.equal(await sim.starts(), 1);
  const made = decisions().map((d) => d["decision"]);
  assert.equal(made.filter((d) => d === "wake").length, 1, made.join(","));
  const wakeLine = decisions().find((d) => d["decision"] === "wake");
  assert.match(String(wakeLine?.["reason"]), /requests? held for the pool by the gateway/);
  const events = hook.requests.map((r) => (JSON.parse(r.body) as { event: string }).event);
  assert.deepEqual(events.slice(0, 2), ["watchdog.stop", "watchdog.wake"]);
  assert.equal((await fetch(`http://127.0.0.1:${watchdog.metricsPort}/metrics`).then((r) => r.text())).match(/^watchdog_wakes_attempted_total\{[^}]*\} (\d+)$/m)?.[1], "1");

  // The gateways' metrics show the wait: one measured wake each, every held request's wait recorded.
  for (const g of [stack.gateway, gatewayB]) {
    assert.equal(await metric(g, "gateway_pool_wake_seconds_count"), 1);
    assert.ok((await metric(g, "gateway_cold_pool_wait_seconds_count")) >= 1);
    assert.ok((await metric(g, "gateway_cold_pool_wait_seconds_sum")) > 0);
  }
  assert.equal(await metric(gatewayB, "gateway_cold_pool_wait_seconds_count"), 1);
  assert.equal(await metric(stack.gateway, "gateway_cold_pool_refusals_total"), 0, "nothing was refused or timed out");
});
