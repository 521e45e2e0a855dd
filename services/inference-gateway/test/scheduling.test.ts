// The queue's behaviour through a real gateway in front of a real vllm-sim: one sequence at a time
// (GATEWAY_MAX_NUM_SEQS=1) so the dispatch order is the order requests finish in.
import assert from "node:assert/strict";
import { test } from "node:test";
import { common } from "@reviewlens/contracts";
import { waitFor } from "@reviewlens/testkit";
import { Status } from "nice-grpc";
import { completeWithTrailers, llmRequest, useSingleSimStack, words } from "./gateway-harness.js";

const stack = useSingleSimStack("gateway_scheduling", ["--time-scale", "0.1"], {
  GATEWAY_MAX_NUM_SEQS: "1",
  GATEWAY_MAX_QUEUE: "40",
  GATEWAY_AGING_FACTOR: "1.5",
  GATEWAY_AGING_FLOOR_TOKENS: "300",
  GATEWAY_PREFILL_TOKENS_PER_SECOND: "20000",
});

/** Occupies the only slot with a generation that runs until `release()` cancels it. */
async function block(): Promise<{ release(): Promise<void> }> {
  const controller = new AbortController();
  const done = (async () => {
    for await (const m of stack.gateway.client.generate({ request: llmRequest("blocker", {}, { maxTokens: 30_000, ignoreEos: true }) }, { signal: controller.signal })) void m;
  })().catch(() => undefined);
  await waitFor(async () => (await stack.gateway.metric("gateway_requests_in_flight")) === 1 || undefined, "the blocker in flight");
  return {
    async release() {
      controller.abort();
      await done;
    },
  };
}

async function queued(depth: number) {
  await waitFor(async () => {
    const status = await stack.gateway.client.getStatus({});
    return status.queues.reduce((n, q) => n + q.depth, 0) >= depth || undefined;
  }, `${depth} queued requests`);
}

function finishOrder(names: string[], calls: Array<Promise<unknown>>): Promise<string[]> {
  const order: string[] = [];
  return Promise.all(calls.map((c, i) => c.then(() => order.push(names[i]!)))).then(() => order);
}

test("a small request queued behind large ones is dispatched first", async () => {
  const blocker = await block();
  const large1 = stack.gateway.client.complete({ request: llmRequest(words(3_000, "a")) });
  const large2 = stack.gateway.client.complete({ request: llmRequest(words(3_000, "b")) });
  await queued(2);
  const small = stack.gateway.client.complete({ request: llmRequest("a short question") });
  await queued(3);
  await blocker.release();
  const order = await finishOrder(["large1", "large2", "small"], [large1, large2, small]);
  assert.deepEqual(order, ["small", "large1", "large2"]);
});

test("an old large request goes ahead of newer small ones once the ageing bound is reached", async () => {
  const blocker = await block();
  const large = stack.gateway.client.complete({ request: llmRequest(words(3_000, "c")) });
  await queued(1);
  const queuedTokens = async () => (await stack.gateway.client.getStatus({})).queues.reduce((n, q) => n + Number(q.queuedPrefillTokens), 0);
  const largeCost = await queuedTokens();
  // Small prompts of about 60 estimated tokens each, whatever the estimator has learned so far.
  const latin = (await stack.gateway.client.getStatus({})).estimator.find((e) => e.script === "latin")!.tokensPerChar;
  // The first test's prompts are 0.667 Qwen2.5 tokens per character; the estimator learned about that.
  assert.ok(latin > 0.4 && latin < 1, `learned ${latin} tokens per Latin character`);
  const chars = Math.max(4, Math.round(60 / latin));
  const smalls = Array.from({ length: 30 }, (_, i) => stack.gateway.client.complete({ request: llmRequest(`${String(i).padStart(2, "0")}${"x".repeat(chars - 2)}`) }));
  await queued(31);
  const smallCost = ((await queuedTokens()) - largeCost) / 30;
  await blocker.release();
  const order = await finishOrder(["large", ...smalls.map((_, i) => `small${i}`)], [large, ...smalls]);
  // Shortest-first alone would serve it last (position 30). It arrived to an empty queue, so it is due
  // once 1.5 x 300 = 450 tokens of newer work went ahead of it: as many small ones as fit in that.
  assert.equal(order.indexOf("large"), Math.floor(450 / smallCost), `small cost ${smallCost}`);
  assert.ok(order.indexOf("large") >= 1 && order.indexOf("large") < 30);
});

test("a request whose TTFT deadline cannot be met is refused at once with a retry hint", async () => {
  const blocker = await block();
  const larges = [1, 2, 3].map((i) => stack.gateway.client.complete({ request: llmRequest(words(3_000, `d${i}`)) }));
  await queued(3);
  // A batch-class request waits for every standard one ahead: about 9,000 prompt tokens at 20,000 tokens/s.
  const refused = await completeWithTrailers(stack.gateway, llmRequest("later", { ttftDeadlineMs: 50, priority: common.Priority.PRIORITY_BATCH }));
  assert.equal(refused.error?.code, Status.RESOURCE_EXHAUSTED, String(refused.error));
  assert.match(refused.error.message, /TTFT deadline of 50 ms cannot be met/);
  const pushback = Number(refused.trailer?.get("grpc-retry-pushback-ms"));
  assert.ok(pushback >= 100, `retry hint ${pushback} ms`);
  // Refused while the work ahead still waits (the slot is still held). A deadline the queue can meet is accepted and met.
  const feasible = stack.gateway.client.complete({ request: llmRequest("patient", { ttftDeadlineMs: 600_000, priority: common.Priority.PRIORITY_BATCH }) });
  await queued(4);
  await blocker.release();
  assert.ok((await feasible).text.length > 0);
  await Promise.all(larges);
});

test("behind a decode-bound queue a deadline is refused at the pace requests leave it, though the prefill work ahead is tiny", async () => {
  // Requests that hold the only sequence for 200 decode steps teach the gateway its pace.
  for (let i = 0; i < 10; i++) await stack.gateway.client.complete({ request: llmRequest(`pace ${i}`, {}, { maxTokens: 200, ignoreEos: true }) });
  const blocker = await block();
  const ahead = [1, 2, 3].map((i) => stack.gateway.client.complete({ request: llmRequest(`short ${i}`, {}, { maxTokens: 200, ignoreEos: true }) }));
  await queued(3);
  // A few prompt tokens ahead: at 20,000 tokens/s a 50 ms deadline looks easy; four turns of the
  // only sequence, each at least 200 decode steps, are not.
  const refused = await completeWithTrailers(stack.gateway, llmRequest("urgent", { ttftDeadlineMs: 50 }));
  assert.equal(refused.error?.code, Status.RESOURCE_EXHAUSTED, String(refused.error));
  assert.match(refused.error.message, /TTFT deadline of 50 ms cannot be met: its first token is about \d+ ms away \(3 requests queued ahead of it\)/);
  assert.ok(Number(refused.trailer?.get("grpc-retry-pushback-ms")) >= 100);
  await blocker.release();
  await Promise.all(ahead);
});

test("a full queue refuses with RESOURCE_EXHAUSTED and a retry hint, and serves the rest", async () => {
  const rejectedBefore = await stack.gateway.metric("gateway_requests_total", { outcome: "rejected" });
  const blocker = await block();
  const calls = Array.from({ length: 45 }, (_, i) => completeWithTrailers(stack.gateway, llmRequest(`question ${i}`)));
  await queued(40);
  await waitFor(async () => (await stack.gateway.metric("gateway_requests_total", { outcome: "rejected" })) >= rejectedBefore + 5 || undefined, "5 refusals");
  await blocker.release();
  const outcomes = await Promise.all(calls);
  const refused = outcomes.filter((r) => r.error);
  assert.equal(refused.length, 5, "the queue holds 40");
  for (const r of refused) {
    assert.equal(r.error?.code, Status.RESOURCE_EXHAUSTED);
    assert.ok(Number(r.trailer?.get("grpc-retry-pushback-ms")) >= 100);
  }
  assert.equal(outcomes.filter((r) => r.response).length, 40);
  assert.equal((await stack.gateway.metric("gateway_requests_total", { outcome: "rejected" })) - rejectedBefore, 5);
});
