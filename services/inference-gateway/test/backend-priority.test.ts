// GATEWAY_BACKEND_PRIORITY: the class reaches vLLM's own scheduler as `priority`. A real vllm-sim
// with --scheduling-policy priority and one sequence slot, and a gateway that lets requests wait in
// the simulator (its sequence budget is larger), so the simulator decides who goes next.
import assert from "node:assert/strict";
import { test } from "node:test";
import { common } from "@reviewlens/contracts";
import { waitFor } from "@reviewlens/testkit";
import { llmRequest, useSingleSimStack } from "./gateway-harness.js";

const stack = useSingleSimStack("gateway_backend_priority", ["--time-scale", "0.1", "--max-num-seqs", "1", "--scheduling-policy", "priority"], {
  GATEWAY_MAX_NUM_SEQS: "16",
  GATEWAY_BACKEND_PRIORITY: "true",
});

test("with backend priority on, vLLM serves a waiting interactive request before an earlier batch one", async () => {
  const controller = new AbortController();
  const blocker = (async () => {
    const request = llmRequest("blocker", {}, { maxTokens: 30_000, ignoreEos: true });
    for await (const m of stack.gateway.client.generate({ request }, { signal: controller.signal })) void m;
  })().catch(() => undefined);
  await waitFor(async () => (await stack.sim.metric("vllm:num_requests_running")) === 1 || undefined, "the blocker running");
  const order: string[] = [];
  const call = (name: string, priority: common.Priority) => stack.gateway.client.complete({ request: llmRequest(`${name} request`, { priority }) }).then(() => order.push(name));
  const batch = call("batch", common.Priority.PRIORITY_BATCH);
  await waitFor(async () => (await stack.sim.metric("vllm:num_requests_waiting")) === 1 || undefined, "the batch request waiting in the simulator");
  const interactive = call("interactive", common.Priority.PRIORITY_INTERACTIVE);
  await waitFor(async () => (await stack.sim.metric("vllm:num_requests_waiting")) === 2 || undefined, "both waiting in the simulator");
  controller.abort();
  await Promise.all([blocker, batch, interactive]);
  assert.deepEqual(order, ["interactive", "batch"]);
});
