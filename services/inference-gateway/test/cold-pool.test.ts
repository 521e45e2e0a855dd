// Scale to zero, the gateway's side, against real processes: a wakeable pool at zero keeps the
// gateway ready; requests are held in the queue until the simulator (started later, loading its
// model) turns healthy, then complete; a short deadline gets UNAVAILABLE with the expected wake as
// its retry delay, batch work waits; SIGTERM during a wake fails held calls with UNAVAILABLE.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { common, inference } from "@reviewlens/contracts";
import { UNPROCESSED_TRAILER } from "@reviewlens/runtime";
import { freePort, startServiceProcess, waitFor, type ServiceProcess } from "@reviewlens/testkit";
import { createChannel, createClient, Status, type Metadata } from "nice-grpc";
import { HealthCheckResponse_ServingStatus } from "nice-grpc-server-health/lib/proto/grpc/health/v1/health.js";
import { completeWithTrailers, llmRequest, servingStatus, startGateway, type Gateway } from "./gateway-harness.js";

const COLD_START_MS = 60_000;

/** A wakeable gateway whose only backend is a port nobody listens on yet (its metrics store in a directory of its own). */
async function coldGateway(simPort: number, env: Record<string, string> = {}): Promise<Gateway> {
  const dataDir = await mkdtemp(join(tmpdir(), "gateway-cold-pool-"));
  const gateway = await startGateway(
    { GATEWAY_BACKEND_URLS: `http://127.0.0.1:${simPort}`, GATEWAY_WAKEABLE: "true", GATEWAY_WAKE_COLD_START_MS: String(COLD_START_MS), DATA_DIR: dataDir, ...env },
    { waitHealthy: false },
  );
  return { ...gateway, close: () => gateway.close().finally(() => rm(dataDir, { recursive: true, force: true })) };
}

/** A completion through the facade; resolves with the status, headers and body. */
async function facadeCompletion(gateway: Gateway, body: Record<string, unknown>) {
  const response = await fetch(`${gateway.httpUrl}/v1/completions`, {
    method: "POST",
    headers: { ...gateway.httpHeaders, "content-type": "application/json" },
    body: JSON.stringify({ model: "", prompt: "The bibimbap was fresh.", max_tokens: 4, ...body }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe("a wakeable pool at zero, then woken", () => {
  let simPort: number;
  let gateway: Gateway;
  let sim: ServiceProcess | undefined;
  before(async () => {
    simPort = await freePort();
    gateway = await coldGateway(simPort);
  });
  after(async () => {
    await gateway?.close();
    await sim?.stop();
  });

  it("the gateway is ready (SERVING) and says the pool is cold", async () => {
    await waitFor(async () => (await gateway.metric("gateway_pool_state", { state: "cold" })) === 1 || undefined, "the cold state");
    assert.equal(await servingStatus(gateway.process.address), HealthCheckResponse_ServingStatus.SERVING);
    assert.equal(await gateway.metric("gateway_cold_pool_queued_requests"), 0);
  });

  it("a caller whose deadline ends before the expected wake gets UNAVAILABLE at once, with the wake as its retry delay", async () => {
    const refused = await completeWithTrailers(gateway, llmRequest("in a hurry", { ttftDeadlineMs: 5_000, priority: common.Priority.PRIORITY_INTERACTIVE }));
    assert.equal(refused.error?.code, Status.UNAVAILABLE, String(refused.error));
    assert.match(refused.error?.message ?? "", /waking from zero.*expected ready in 60 s/);
    // Nothing waits yet, so the wake it would start is a whole expected cold start away.
    assert.equal(refused.trailer?.get("grpc-retry-pushback-ms"), String(COLD_START_MS));
    const viaFacade = await facadeCompletion(gateway, { ttft_deadline_ms: 5_000, priority: "interactive" });
    assert.equal(viaFacade.status, 503);
    assert.equal(viaFacade.headers.get("retry-after-ms"), String(COLD_START_MS));
    assert.equal(viaFacade.headers.get("retry-after"), "60");
    assert.equal(await gateway.metric("gateway_cold_pool_refusals_total", { reason: "deadline-before-wake" }), 2);
    assert.equal(await gateway.metric("gateway_cold_pool_queued_requests"), 0, "a refused request is not held");
  });

  it("held requests (batch work whatever its deadline) wait while the simulator loads its model, then complete; the metrics show the wait", async () => {
    const standard = completeWithTrailers(gateway, llmRequest("no deadline, standard"));
    const batch = completeWithTrailers(gateway, llmRequest("batch, short deadline", { ttftDeadlineMs: 1_000, priority: common.Priority.PRIORITY_BATCH }));
    const facade = facadeCompletion(gateway, {});
    await waitFor(async () => (await gateway.metric("gateway_cold_pool_queued_requests")) === 3 || undefined, "three held requests");
    assert.equal(await gateway.metric("gateway_pool_state", { state: "waking" }), 1);
    assert.equal(await servingStatus(gateway.process.address), HealthCheckResponse_ServingStatus.SERVING, "still ready while it holds");
    const late = await completeWithTrailers(gateway, llmRequest("hurry during the wake", { ttftDeadlineMs: 500 }));
    assert.equal(late.error?.code, Status.UNAVAILABLE);
    assert.ok(Number(late.trailer?.get("grpc-retry-pushback-ms")) <= COLD_START_MS, "the wake started already: less than a whole cold start to go");

    // The wake: the simulator starts on the pool's port and loads its model (200 virtual s at 1/100).
    sim = await startServiceProcess({
      entry: "services/vllm-sim/src/main.ts",
      args: ["--port", String(simPort), "--host", "127.0.0.1", "--time-scale", "0.01", "--startup-delay-seconds", "200"],
      readyWhen: (line) => typeof line["port"] === "number",
    });
    const heldWhileLoading = await gateway.metric("gateway_cold_pool_queued_requests");
    const simHealth = (await fetch(`http://127.0.0.1:${simPort}/health`)).status;
    if (simHealth === 503) assert.equal(heldWhileLoading, 3, "the model was still loading when the gateway was read: nothing may have gone to it");

    const [a, b, c] = await Promise.all([standard, batch, facade]);
    assert.equal(a.error, undefined, String(a.error));
    assert.equal(b.error, undefined, String(b.error));
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.ok(a.response && a.response.usage!.outputTokens > 0);
    assert.equal(await gateway.metric("gateway_pool_state", { state: "warm" }), 1);
    assert.equal(await gateway.metric("gateway_cold_pool_queued_requests"), 0);
    assert.equal(await gateway.metric("gateway_cold_pool_wait_seconds_count"), 3, "each held request's wait is recorded");
    assert.ok((await gateway.metric("gateway_cold_pool_wait_seconds_sum")) > 0);
    assert.equal(await gateway.metric("gateway_pool_wake_seconds_count"), 1);
    assert.equal(
      await gateway.metric("gateway_pool_expected_cold_start_seconds"),
      await gateway.metric("gateway_pool_wake_seconds_sum"),
      "the measured wake is the expected cold start from now on",
    );
    assert.equal(a.response?.timings?.queueMs !== undefined && a.response.timings.queueMs > 0, true, "the wait shows as queue time");
  });
});

describe("SIGTERM during a wake", () => {
  it("fails held calls with UNAVAILABLE at once (not silence until the drain times out), then exits 0", async () => {
    const gateway = await coldGateway(await freePort(), { DRAIN_TIMEOUT_MS: "120000" });
    try {
      // A client without the runtime's resend of unprocessed calls: this test reads the gateway's own
      // answer (the runtime's client would resend the call, here to the gateway that just went away).
      const plainChannel = createChannel(gateway.process.address);
      const plain = createClient(inference.InferenceGatewayServiceDefinition, plainChannel);
      let heldTrailer: Metadata | undefined;
      const grpcCall = plain.complete({ request: llmRequest("held at shutdown") }, { onTrailer: (t) => (heldTrailer = t) }).then(
        () => ({ error: undefined }),
        (error: unknown) => ({ error: error as Error & { code?: number } }),
      );
      const httpCall = facadeCompletion(gateway, {});
      await waitFor(async () => (await gateway.metric("gateway_cold_pool_queued_requests")) === 2 || undefined, "two held requests");
      const exit = gateway.process.stop();
      const [grpcResult, httpResult] = await Promise.all([grpcCall, httpCall]);
      assert.equal(grpcResult.error?.code, Status.UNAVAILABLE, String(grpcResult.error));
      assert.match(grpcResult.error?.message ?? "", /shutting down; retry on another replica/);
      assert.ok(heldTrailer?.get(UNPROCESSED_TRAILER), "marked unprocessed, so the runtime's client resends it to another replica");
      plainChannel.close();
      assert.equal(httpResult.status, 503);
      assert.match(String((httpResult.body["error"] as Record<string, unknown>)["message"]), /shutting down/);
      assert.equal(await exit, 0, JSON.stringify(gateway.process.logs.slice(-8)) + gateway.process.stderr.join("\n"));
      assert.ok(gateway.process.logs.some((l) => l["msg"] === "drain finished" && l["outcome"] === "drained"), "the drain did not wait for its timeout");
    } finally {
      await gateway.close();
    }
  });
});
