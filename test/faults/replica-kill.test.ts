// Fault under load: one of two vllm-sim replicas SIGKILLed mid-stream and started again, while
// forced analyses run throughout. Unary calls on the killed replica are retried on the other one and
// succeed; streams that were on it fail UNAVAILABLE; the replica comes back into rotation and
// serves; every response has exactly one vllm_metrics row.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { common, inference } from "@reviewlens/contracts";
import { createServiceClient } from "@reviewlens/runtime";
import { createTestDatabase, uploadReviewRecords, waitFor, type TestDatabase } from "@reviewlens/testkit";
import { Status } from "nice-grpc";
import { FaultStack } from "./fault-stack.js";
import { MetricsRows, prefixedReviews, restaurantsOf, simRequests } from "./fault-fixtures.js";
import { writeFaultRecord } from "./fault-record.js";
import { analysisClients, analysisLoad, countByCode, failureOf, type AnalysisClients } from "./steady-load.js";

const PREFIX = "rk";
let db: TestDatabase;
let stack: FaultStack;
let rows: MetricsRows;
let clients: AnalysisClients;
let gateway: ReturnType<typeof createServiceClient<typeof inference.InferenceGatewayServiceDefinition>>;

before(async () => {
  db = await createTestDatabase("faults_replica");
  stack = await FaultStack.start({
    sims: 2,
    simArgs: ["--time-scale", "0.1", "--mean-output-tokens", "24"],
    env: { DATABASE_URL: db.url, METRICS_FLUSH_INTERVAL_MS: "50" },
    // Least-loaded spreads the streams over both replicas; a short probe interval notices the restart.
    serviceEnv: { gateway: { GATEWAY_ROUTING: "least-loaded", GATEWAY_PROBE_INTERVAL_MS: "100" } },
  });
  rows = new MetricsRows(db.url);
  clients = analysisClients(stack.address("sentiment"), stack.address("summarization"));
  gateway = createServiceClient(inference.InferenceGatewayServiceDefinition, stack.address("gateway"));
  await uploadReviewRecords(stack.slotAddress("vector-search", 0), prefixedReviews(PREFIX, 6, 12));
});

after(async () => {
  clients?.close();
  gateway?.channel.close();
  await rows?.close();
  await stack?.stop();
  await db?.drop();
});

const request = (text: string, maxTokens: number) =>
  inference.LlmRequest.fromPartial({
    prompt: { $case: "text", value: text },
    sampling: { maxTokens, temperature: 1, ignoreEos: true },
    priority: common.Priority.PRIORITY_STANDARD,
  });

test("a replica SIGKILLed mid-stream under analysis load: unary calls retried and answered, streams UNAVAILABLE, the replica back in rotation", async (t) => {
  const status = () => gateway.client.getStatus({});
  const inFlightOn = async () => new Map((await status()).backends.map((b) => [b.url, b.inFlightSequences]));
  await waitFor(async () => (await status()).backends.every((b) => b.healthy) || undefined, "both replicas in rotation");

  // Streams long enough (20,000 tokens) to outlive everything else; the survivor's are cancelled at
  // the end. They go out one at a time before the analysis load, so GetStatus says where each went
  // (least-loaded alternates them) and the victim is a replica that holds some, whatever the load
  // or a slow probe did to the routing.
  const stopStreams = new AbortController();
  const endedByThemselves: number[] = [];
  const streams: Array<Promise<number>> = [];
  // On a failed assertion the streams and the load must end too, or the file waits out its timeout.
  t.after(() => stopStreams.abort());
  for (let i = 0; i < 6; i++) {
    streams.push(
      (async () => {
        for await (const m of gateway.client.generate({ request: request(`stream ${i}`, 20_000) }, { signal: stopStreams.signal })) void m;
        return Status.OK;
      })()
        .catch((error: unknown) => failureOf(error).code)
        .then((code) => {
          if (!stopStreams.signal.aborted) endedByThemselves.push(i);
          return code;
        }),
    );
    await waitFor(async () => [...(await inFlightOn()).values()].reduce((n, x) => n + x, 0) === i + 1 || undefined, `stream ${i} dispatched`);
  }
  const streamsOn = await inFlightOn();
  assert.ok(
    [...streamsOn.values()].every((n) => n >= 1),
    `streams on both replicas, so one holds some when it is killed and the other keeps some (${JSON.stringify([...streamsOn])})`,
  );
  const victimIndex = stack.sims.findIndex((sim) => (streamsOn.get(sim.url) ?? 0) >= 1);
  const victim = stack.sims[victimIndex]!;
  const survivor = stack.sims[1 - victimIndex]!;

  const load = analysisLoad(clients, restaurantsOf(prefixedReviews(PREFIX, 6, 12)), 2).start();
  let loadStopped = false;
  t.after(async () => {
    if (!loadStopped) await load.stop();
  });
  await waitFor(() => load.succeededSince(0).length >= 2 || undefined, "the analysis load to be under way");
  const unary = Array.from({ length: 6 }, (_, i) => gateway.client.complete({ request: request(`unary ${i}`, 3_000) }).then((r) => r, (e: unknown) => failureOf(e)));
  // All six dispatched, none still queued in the gateway (the analyses' requests also count in
  // flight, so a total alone could be reached with unary calls still waiting to go to the survivor).
  await waitFor(async () => {
    const now = await status();
    const queued = now.queues.reduce((n, q) => n + q.depth, 0);
    const running = now.backends.reduce((n, b) => n + b.inFlightSequences, 0);
    return (queued === 0 && running >= 12) || undefined;
  }, "the six unary calls dispatched too, nothing queued in the gateway");

  const gatewayProcess = stack.process("gateway", 0)!;
  const retriesBefore = gatewayProcess.logs.filter((l) => String(l["msg"]).includes("retrying on a healthy replica")).length;
  const killedAt = Date.now();
  await victim.process.stop("SIGKILL");

  // Every unary call succeeds in full: those on the killed replica started again on the survivor.
  const unaryResults = await Promise.all(unary);
  for (const r of unaryResults) assert.ok("usage" in r && r.usage?.outputTokens === 3_000, `unary call: ${JSON.stringify("code" in r ? r : r.execution)}`);
  const retried = gatewayProcess.logs.filter((l) => String(l["msg"]).includes("retrying on a healthy replica")).length - retriesBefore;
  assert.ok(retried >= 1, "at least one call was on the killed replica and was retried");

  // The streams on the killed replica ended by themselves, UNAVAILABLE; the survivor's still run.
  const streamsFailed = endedByThemselves.length;
  stopStreams.abort();
  const codes = await Promise.all(streams);
  assert.ok(streamsFailed >= 1, `a stream was on the killed replica (codes ${codes.join(", ")})`);
  for (const i of endedByThemselves) assert.equal(codes[i], Status.UNAVAILABLE, `stream ${i} ended by itself with ${Status[codes[i]!]}`);
  assert.ok(streamsFailed < streams.length, "the survivor's streams were not affected");
  assert.equal((await gateway.client.getStatus({})).backends.find((b) => b.url === victim.url)?.healthy, false, "the killed replica is out of rotation");

  // Back on its port: healthy again in GetStatus, and it serves requests.
  await stack.startSim(victimIndex);
  await waitFor(async () => (await gateway.client.getStatus({})).backends.find((b) => b.url === victim.url)?.healthy || undefined, "the restarted replica healthy");
  const servedByRestarted = await waitFor(async () => {
    const answers = await Promise.all([1, 2, 3, 4].map((i) => gateway.client.complete({ request: request(`after ${i}`, 8) })));
    return answers.find((a) => a.execution?.backend === victim.url);
  }, "a request served by the restarted replica");
  const recoveryMs = Date.now() - killedAt;
  assert.ok((await simRequests(stack.sims[victimIndex]!.url)) >= 1, "the restarted process counted what it served");

  const outcomes = await load.stop();
  loadStopped = true;
  const analyses = outcomes.filter((o) => o.code === Status.OK);
  assert.deepEqual(countByCode(outcomes), { OK: outcomes.length }, "every analysis under the fault succeeded");

  // Reconciliation: one vllm_metrics row per LLM response, no more, no less.
  const expectedAnalysisRows = analyses.reduce((n, o) => n + o.llmRequests, 0);
  const stored = await waitFor(async () => {
    const r = await rows.vllmRows(PREFIX);
    return r.rows >= expectedAnalysisRows ? r : undefined;
  }, "the analyses' vllm_metrics rows");
  const unaryIds = unaryResults.map((r) => ("execution" in r ? r.execution!.requestId : ""));
  const unaryRows = await waitFor(async () => {
    const n = await rows.vllmRowsFor([...unaryIds, servedByRestarted.execution!.requestId]);
    return n >= unaryIds.length + 1 ? n : undefined;
  }, "the unary calls' rows");
  assert.equal(stored.rows, expectedAnalysisRows, "vllm_metrics rows of the analyses = their LLM requests");
  assert.equal(stored.distinct, stored.rows, "no request stored twice");
  assert.equal(unaryRows, unaryIds.length + 1);
  assert.ok((await simRequests(survivor.url)) > 0);

  writeFaultRecord({
    fault: "vllm-sim replica SIGKILLed mid-stream and restarted (2 replicas)",
    load: `${load.description}; plus 6 streams and 6 unary Complete calls of 3,000 tokens`,
    sent: outcomes.length + unaryResults.length + streams.length,
    succeeded: analyses.length + unaryResults.filter((r) => "usage" in r).length,
    refused: { UNAVAILABLE: streamsFailed, "CANCELLED (by the test, on the survivor)": streams.length - streamsFailed },
    lost: Math.max(0, expectedAnalysisRows - stored.rows) + outcomes.length - analyses.length,
    duplicated: Math.max(0, stored.rows - expectedAnalysisRows) + (stored.rows - stored.distinct),
    recoveryMs,
    reconciliation: `${analyses.length} analyses reported ${expectedAnalysisRows} LLM requests, vllm_metrics holds ${stored.rows} rows for them (${stored.distinct} distinct); ${retried} calls retried on the survivor; the ${streams.length - streamsFailed} streams on the survivor were cancelled by the test`,
  });
});
