import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { inference } from "@reviewlens/contracts";
import { startServiceProcess, stopBySignal, waitFor, type ServiceProcess } from "@reviewlens/testkit";
import { createChannel, createClient, Status, ClientError } from "nice-grpc";
import { HealthDefinition } from "nice-grpc-server-health";
import { HealthCheckResponse_ServingStatus as Serving } from "nice-grpc-server-health/lib/proto/grpc/health/v1/health.js";

const entry = "libs/runtime/test/fixtures/slow-service.ts";

describe("graceful shutdown", () => {
  let service: ServiceProcess;
  before(async () => {
    service = await startServiceProcess({ entry, env: { DRAIN_TIMEOUT_MS: "10000" } });
  });
  after(async () => {
    await service.stop("SIGKILL");
  });

  it("lets an in-flight call finish, turns NOT_SERVING, refuses new calls and exits 0", async () => {
    const channel = createChannel(service.address);
    const gateway = createClient(inference.InferenceGatewayServiceDefinition, channel);
    const health = createClient(HealthDefinition, channel);
    const statuses: Serving[] = [];
    const watching = (async () => {
      try {
        for await (const update of health.watch({ service: "" })) statuses.push(update.status);
      } catch {
        // the stream ends when the server goes away
      }
    })();
    await waitFor(() => statuses.includes(Serving.SERVING) || undefined, "SERVING before the signal");

    const slowCall = gateway.complete({ request: { prompt: { $case: "text", value: "x" }, sampling: { maxTokens: 1500 } } });
    await new Promise((r) => setTimeout(r, 200));
    const signalledAt = Date.now();
    service.child.kill("SIGTERM");

    await waitFor(() => statuses.includes(Serving.NOT_SERVING) || undefined, "NOT_SERVING after SIGTERM");
    const refused = await gateway.complete({ request: { prompt: { $case: "text", value: "late" } } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(refused instanceof ClientError, "a call after SIGTERM must be refused");
    assert.equal(refused.code, Status.UNAVAILABLE);

    const response = await slowCall;
    assert.equal(response.text, "done", "the in-flight call completes normally");
    const code = await service.exited;
    assert.equal(code, 0);
    assert.ok(Date.now() - signalledAt < 9_000, "exit follows the drain, not the drain timeout");
    channel.close();
    await watching;
  });
});

describe("drain timeout", () => {
  it("exits 0 after the drain timeout even when a call is still running", async () => {
    const service = await startServiceProcess({ entry, env: { DRAIN_TIMEOUT_MS: "300" } });
    const channel = createChannel(service.address);
    const gateway = createClient(inference.InferenceGatewayServiceDefinition, channel);
    const stuck = gateway.complete({ request: { prompt: { $case: "text", value: "x" }, sampling: { maxTokens: 60_000 } } }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    const { code, shutdownLines } = await stopBySignal(service, "SIGTERM");
    assert.equal(code, 0);
    assert.deepEqual(shutdownLines, ["shutting down", "draining", "drain finished"]);
    assert.equal(service.logs.find((l) => l["msg"] === "drain finished")?.["outcome"], "timed out");
    assert.ok(Date.now() - started < 5_000);
    const outcome = await stuck;
    assert.ok(outcome instanceof ClientError, "the unfinished call is cut off");
    channel.close();
  });
});
