// Two real vllm-sim replicas behind one gateway: prefix affinity, draining through the admin
// endpoint, and a replica killed mid-stream.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createTestDatabase, waitFor, type TestDatabase } from "@reviewlens/testkit";
import { Status } from "nice-grpc";
import { llmRequest, setBackends, startStack, words, type Gateway, type Sim } from "./gateway-harness.js";

let sims: Sim[];
let gateway: Gateway;
let db: TestDatabase;

before(async () => {
  db = await createTestDatabase("gateway_replicas");
  ({ sims, gateway } = await startStack(
    [
      ["--time-scale", "0.1"],
      ["--time-scale", "0.1"],
    ],
    { DATABASE_URL: db.url, GATEWAY_ROUTING: "prefix-affinity", GATEWAY_AFFINITY_MARGIN: "0.5" },
  ));
});

after(async () => {
  await gateway?.close();
  await Promise.all((sims ?? []).map((s) => s.process.stop()));
  await db?.drop();
});

test("requests sharing their leading blocks go to the replica that holds the prefix", async () => {
  const instructions = `Classify each review's sentiment and answer in JSON. ${words(400, "rule")}`;
  const backends: string[] = [];
  for (let i = 0; i < 6; i++) {
    const response = await gateway.client.complete({ request: llmRequest(`${instructions}\nReview ${i}: ${words(20, `r${i}`)}`) });
    backends.push(response.execution!.backend);
  }
  assert.equal(new Set(backends).size, 1, `all on one replica: ${backends.join(", ")}`);
  const holder = sims.find((s) => s.url === backends[0])!;
  assert.ok((await holder.metric("vllm:prefix_cache_hits_total")) > 0, "the replica's prefix cache served the shared instructions");
});

test("draining a replica waits for its in-flight request, then removes it", async () => {
  const [first, second] = sims as [Sim, Sim];
  const long = gateway.client.complete({ request: llmRequest(`drain ${words(5)}`, {}, { maxTokens: 1_500, ignoreEos: true }) });
  const running = await waitFor(async () => {
    for (const s of sims) if ((await s.metric("vllm:num_requests_running")) > 0) return s;
    return undefined;
  }, "the long request running");
  const finishedBefore = await running.metric("vllm:request_success_total");
  try {
    const response = await fetch(`${gateway.httpUrl}/admin/backends?url=${encodeURIComponent(running.url)}`, { method: "DELETE" });
    assert.equal(response.status, 200);
    assert.equal(await running.metric("vllm:request_success_total"), finishedBefore + 1, "the drain answered after the in-flight request finished");
    assert.equal((await long).usage?.outputTokens, 1_500);
    const status = await gateway.client.getStatus({});
    assert.deepEqual(status.backends.map((b) => b.url), [running === first ? second.url : first.url]);
  } finally {
    await setBackends(gateway, [first.url, second.url]);
  }
});

test("a replica killed mid-test is routed around; its streams fail UNAVAILABLE, unary calls are retried", async () => {
  const stopStreams = new AbortController();
  const running = () => Promise.all(sims.map((s) => s.metric("vllm:num_requests_running")));
  // Long enough (20,000 tokens) to be running whatever the machine's load; the survivors are cancelled.
  const settled: number[] = [];
  const streams = Array.from({ length: 6 }, (_, i) =>
    (async () => {
      const messages = gateway.client.generate(
        { request: llmRequest(`stream ${i} ${words(30, `k${i}`)}`, {}, { maxTokens: 20_000, ignoreEos: true }) },
        { signal: stopStreams.signal },
      );
      for await (const m of messages) void m;
    })()
      .then(
        () => ({ code: Status.OK }),
        // Our own abort surfaces as nice-grpc's AbortError; any other error carries the server's code.
        (error: Error & { code?: number }) => ({ code: error.name === "AbortError" ? Status.CANCELLED : error.code }),
      )
      .finally(() => settled.push(i)),
  );
  // Only the streams run at first, so each replica's running count is its number of streams; the
  // victim is the replica holding the most of them.
  const streamsPerSim = await waitFor(async () => {
    const counts = await running();
    return counts.reduce((a, b) => a + b, 0) === streams.length ? counts : undefined;
  }, "all six streams running");
  const victimIndex = streamsPerSim[0]! >= streamsPerSim[1]! ? 0 : 1;
  const victim = sims[victimIndex]!;
  const survivor = sims[1 - victimIndex]!;
  const streamsOnVictim = streamsPerSim[victimIndex]!;

  const unary = Array.from({ length: 6 }, (_, i) =>
    gateway.client.complete({ request: llmRequest(`unary ${i} ${words(30, `u${i}`)}`, {}, { maxTokens: 3_000, ignoreEos: true }) }),
  );
  await waitFor(async () => ((await running())[victimIndex]! > streamsOnVictim) || undefined, "a unary call running on the victim");
  await victim.process.stop("SIGKILL");

  // Every unary call succeeds: those on the killed replica start again on the survivor.
  const unaryResponses = await Promise.all(unary);
  for (const response of unaryResponses) assert.equal(response.usage?.outputTokens, 3_000);
  assert.ok(unaryResponses.some((r) => r.execution?.backend === survivor.url));
  const status = await gateway.client.getStatus({});
  assert.equal(status.backends.find((b) => b.url === victim.url)?.healthy, false);
  const later = await Promise.all([1, 2, 3].map((i) => gateway.client.complete({ request: llmRequest(`after ${i}`) })));
  assert.ok(later.every((r) => r.execution?.backend === survivor.url));

  // The streams that were on the killed replica end by themselves, with UNAVAILABLE, once the gateway
  // has relayed what the replica sent before it died; the survivor's streams still run until cancelled.
  await waitFor(() => settled.length >= streamsOnVictim || undefined, "the killed replica's streams to end");
  stopStreams.abort();
  const codes = (await Promise.all(streams)).map((o) => o.code);
  const failedFirst = settled.slice(0, streamsOnVictim).map((i) => codes[i]);
  assert.ok(failedFirst.every((c) => c === Status.UNAVAILABLE), `the victim's ${streamsOnVictim} streams: ${failedFirst.join(", ")} (all ${codes.join(", ")})`);
  assert.ok(codes.every((c) => c === Status.UNAVAILABLE || c === Status.CANCELLED), `stream outcomes ${codes.join(", ")}`);
});
