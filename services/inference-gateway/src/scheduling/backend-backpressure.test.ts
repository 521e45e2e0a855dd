import assert from "node:assert/strict";
import { test } from "node:test";
import { backpressureReason, canWaitForRoom } from "./backend-backpressure.js";

test("the cap that refused is read from vLLM's messages; other servers by status", () => {
  assert.equal(
    backpressureReason(503, "backend answered 503: The engine is currently busy and cannot accept new requests. Please try again later or on a different instance."),
    "max_num_queued_reqs",
  );
  assert.equal(backpressureReason(503, "503 The engine has reached its prefill token backlog limit. Please try again later."), "max_num_queued_tokens");
  assert.equal(backpressureReason(429, "Too many requests"), "rate_limited");
  assert.equal(backpressureReason(503, "Service unavailable"), "unavailable");
});

test("a request waits for room within its requeue budget and before its TTFT deadline", () => {
  const base = { now: 1_000, since: 500, pauseMs: 100, maxWaitMs: 1_000 };
  assert.equal(canWaitForRoom(base), true);
  assert.equal(canWaitForRoom({ ...base, maxWaitMs: 599 }), false, "ready at 1,100: 600 ms after the first refusal");
  assert.equal(canWaitForRoom({ ...base, maxWaitMs: 600 }), true);
  assert.equal(canWaitForRoom({ ...base, deadlineAt: 1_100 }), false, "ready only at its deadline");
  assert.equal(canWaitForRoom({ ...base, deadlineAt: 1_101 }), true);
  assert.equal(canWaitForRoom({ ...base, maxWaitMs: 0, since: 1_000, pauseMs: 0 }), true, "no budget still tries again at once");
});
