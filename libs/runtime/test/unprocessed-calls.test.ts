// Calls that never reached a server's logic are resent whatever their method (a Complete is not
// idempotent), and a call made while no connection is ready waits for one. Real processes.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { inference } from "@reviewlens/contracts";
import { createServiceClient } from "@reviewlens/runtime";
import { freePort, startServiceProcess, type ServiceProcess } from "@reviewlens/testkit";
import { Status } from "nice-grpc";

const entry = "libs/runtime/test/fixtures/slow-service.ts";
const started: ServiceProcess[] = [];
after(async () => {
  await Promise.all(started.map((p) => p.stop("SIGKILL")));
});

async function start(port: number): Promise<ServiceProcess> {
  const p = await startServiceProcess({ entry, env: { GRPC_PORT: String(port), DRAIN_TIMEOUT_MS: "30000" } });
  started.push(p);
  return p;
}

const complete = (ms: number) => ({ request: { prompt: { $case: "text" as const, value: "x" }, sampling: { maxTokens: ms } } });

test("a Complete (not idempotent) refused before any work is sent again; one refused otherwise is not", async () => {
  const service = await start(await freePort());
  const { client, channel } = createServiceClient(inference.InferenceGatewayServiceDefinition, service.address);
  const prompt = (text: string) => ({ request: { prompt: { $case: "text" as const, value: text } } });
  try {
    assert.equal((await client.complete(prompt("unprocessed:a"))).text, "done");
    assert.equal((await client.complete(prompt("calls:a"))).text, "2", "refused once, answered the second time");
    await assert.rejects(client.complete(prompt("unavailable:b")), (e: { code?: number }) => e.code === Status.UNAVAILABLE);
    assert.equal((await client.complete(prompt("calls:b"))).text, "1", "not sent again: it may have done some work");
  } finally {
    channel.close();
  }
});

test("a CompleteShared refused before its first answer is sent again; one refused after it is not", async () => {
  const service = await start(await freePort());
  const { client, channel } = createServiceClient(inference.InferenceGatewayServiceDefinition, service.address);
  const shared = (text: string) => ({ request: { prompt: { $case: "text" as const, value: text } }, variants: [{}, {}] });
  const texts = async (text: string) => {
    const seen: string[] = [];
    for await (const item of client.completeShared(shared(text))) seen.push(item.outcome?.$case === "response" ? item.outcome.value.text : "error");
    return seen;
  };
  try {
    assert.deepEqual(await texts("unprocessed:d"), ["done 2", "done 2"], "the refused call was sent a second time, and answered");
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const item of client.completeShared(shared("midway:e"))) seen.push(item.outcome?.$case === "response" ? item.outcome.value.text : "error");
    }, (e: { code?: number }) => e.code === Status.UNAVAILABLE);
    assert.deepEqual(seen, ["done 1"], "the first answer reached the caller, and the call was not sent again");
    assert.deepEqual(await texts("midway:e"), ["done 2", "done 2"], "the refused call had reached the server once");
  } finally {
    channel.close();
  }
});

test("a Complete made while no connection is ready waits for the replica to come up", async () => {
  const port = await freePort();
  const { client, channel } = createServiceClient(inference.InferenceGatewayServiceDefinition, `127.0.0.1:${port}`, { unprocessed: { readyWaitMs: 120_000 } });
  try {
    // Nothing listens yet: the channel fails its first connection attempts.
    await assert.rejects(client.getStatus({}, { signal: AbortSignal.timeout(300) }));
    const call = client.complete(complete(10));
    await start(port);
    assert.equal((await call).text, "done");
  } finally {
    channel.close();
  }
});

test("a Complete that found no ready connection is sent again until one is up, though it did not wait for one", async () => {
  const port = await freePort();
  const unprocessed = { readyWaitMs: 0, maxAttempts: 10_000, baseDelayMs: 50, maxDelayMs: 200 };
  const { client, channel } = createServiceClient(inference.InferenceGatewayServiceDefinition, `127.0.0.1:${port}`, { unprocessed });
  const prompt = (text: string) => ({ request: { prompt: { $case: "text" as const, value: text } } });
  try {
    await assert.rejects(client.getStatus({}, { signal: AbortSignal.timeout(300) }), "nothing listens yet");
    const call = client.complete(prompt("sent:c"));
    await start(port);
    assert.equal((await call).text, "done");
    assert.equal((await client.complete(prompt("calls:c"))).text, "1", "only the attempt that found the server reached it");
  } finally {
    channel.close();
  }
});
