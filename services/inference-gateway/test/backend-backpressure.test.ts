// vLLM's engine-side admission behind the gateway: a real vllm-sim started with
// --max-num-queued-reqs 2 refuses with 503 what the gateway sends beyond it. That is backpressure:
// the replica stays in rotation, the refused requests are requeued and complete, and a request that
// cannot wait is refused RESOURCE_EXHAUSTED with a retry hint.
import assert from "node:assert/strict";
import { test } from "node:test";
import { waitFor } from "@reviewlens/testkit";
import { Status } from "nice-grpc";
import { completeWithTrailers, llmRequest, useSingleSimStack } from "./gateway-harness.js";

const stack = useSingleSimStack("gateway_backpressure", ["--max-num-queued-reqs", "2"], {
  // The gateway's own budget allows eight: the backend's cap is what refuses.
  GATEWAY_MAX_NUM_SEQS: "8",
  GATEWAY_UNHEALTHY_AFTER: "2",
  GATEWAY_BACKPRESSURE_BACKOFF_MS: "100",
  GATEWAY_BACKPRESSURE_MAX_BACKOFF_MS: "400",
});

const simRejections = () => stack.sim.metric("vllm:admission_rejections_total");
const backendStatus = async () => (await stack.gateway.client.getStatus({})).backends[0]!;
const takenOut = () => stack.gateway.process.logs.filter((l) => l["msg"] === "backend taken out").length;

/** A generation sent to the simulator directly (another client of the replica), cancelled by `stop`. */
function occupySim(stop: AbortSignal, i: number) {
  return fetch(`${stack.sim.url}/v1/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt: `another client ${i}`, max_tokens: 30_000, ignore_eos: true, stream: true }),
    signal: stop,
  })
    .then(async (res) => {
      assert.equal(res.status, 200);
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) void chunk;
    })
    .catch(() => undefined);
}

// First in the file: its deadlines must pass the gateway's own admission and meet the backend's
// refusal, before any finished request taught the gateway how long a first token takes here.
test("a request that cannot wait for room is refused RESOURCE_EXHAUSTED with a retry hint", async () => {
  const stop = new AbortController();
  const others = [0, 1].map((i) => occupySim(stop.signal, i));
  try {
    await waitFor(async () => (await stack.sim.metric("vllm:num_requests_running")) === 2 || undefined, "another client filling the replica");
    const before = await simRejections();

    // A TTFT deadline shorter than the backoff: refused at the first 503.
    const hurried = await completeWithTrailers(stack.gateway, llmRequest("in a hurry", { ttftDeadlineMs: 50 }));
    assert.equal(hurried.error?.code, Status.RESOURCE_EXHAUSTED, String(hurried.error));
    assert.match(hurried.error.message, /admission limit \(max_num_queued_reqs\)/);
    assert.ok(Number(hurried.trailer?.get("grpc-retry-pushback-ms")) >= 100);
    assert.equal(await simRejections(), before + 1);

    // A longer deadline: requeued after each backoff (100, 200, 400, 400 ms...) until the next try
    // would come after it, then refused.
    const patient = await completeWithTrailers(stack.gateway, llmRequest("patient", { ttftDeadlineMs: 1_500 }));
    assert.equal(patient.error?.code, Status.RESOURCE_EXHAUSTED, String(patient.error));
    assert.ok((await simRejections()) >= before + 4, "it was tried again after each backoff");
    assert.ok(Number(patient.trailer?.get("grpc-retry-pushback-ms")) > 0);
    const status = await backendStatus();
    assert.equal(status.healthy, true);
    assert.equal(takenOut(), 0);
  } finally {
    stop.abort();
    await Promise.all(others);
  }
  // Room again: the same replica answers.
  await waitFor(async () => (await stack.sim.metric("vllm:num_requests_running")) === 0 || undefined, "the other client gone");
  const after = await stack.gateway.client.complete({ request: llmRequest("after the crowd", {}, { maxTokens: 3, ignoreEos: true }) });
  assert.equal(after.usage?.outputTokens, 3);
  assert.equal(after.execution?.backend, stack.sim.url);
});

test("requests beyond the backend's queue cap are refused 503, requeued, and all complete; the replica stays in", async () => {
  // Two long ones fill the cap; the three sent while they run are each refused at least once.
  const long = [0, 1].map((i) => stack.gateway.client.complete({ request: llmRequest(`long ${i}`, {}, { maxTokens: 1_000, ignoreEos: true }) }));
  await waitFor(async () => (await stack.sim.metric("vllm:num_requests_running")) === 2 || undefined, "two running on the replica");
  const short = [0, 1, 2].map((i) => stack.gateway.client.complete({ request: llmRequest(`short ${i}`, {}, { maxTokens: 20, ignoreEos: true }) }));
  await waitFor(async () => (await simRejections()) >= 3 || undefined, "the three refused");
  const responses = await Promise.all([...long, ...short]);
  assert.deepEqual(responses.map((r) => r.usage?.outputTokens), [1_000, 1_000, 20, 20, 20]);

  const refused = await simRejections();
  // Every refusal the simulator counted reached the gateway as backpressure, none as a failure.
  assert.equal(await stack.gateway.metric("gateway_backend_admission_rejections_total", { reason: "max_num_queued_reqs" }), refused);
  const status = await backendStatus();
  assert.equal(status.healthy, true);
  assert.equal(status.admissionRejections, refused);
  assert.equal(status.lastError, "");
  assert.equal(takenOut(), 0, "the replica was never taken out of rotation");
  await waitFor(async () => (await backendStatus()).scrapedAdmissionRejections === refused || undefined, "the scraped vllm:admission_rejections_total");
});
