import assert from "node:assert/strict";
import { test } from "node:test";
import { clampRetryAfter, decideOverload, type OverloadState } from "./overload-refusal.js";

// 1,000 prefill tokens/s per backend: 1 token a millisecond.
const state = (over: Partial<OverloadState> = {}): OverloadState => ({
  queueLength: 0,
  maxQueueLength: 10,
  tokensAhead: () => 0,
  inFlightPrefillTokens: 0,
  healthyBackends: 1,
  prefillTokensPerSecond: 1_000,
  ...over,
});

test("a request is admitted while the queue has room and no deadline is asked", () => {
  assert.deepEqual(decideOverload(state({ queueLength: 9, tokensAhead: () => 1e9 }), { cost: 500 }), { refuse: false });
});

test("a full queue refuses with half the time the work ahead takes to drain as the retry hint", () => {
  const ahead: number[] = [];
  const decision = decideOverload(state({ queueLength: 10, tokensAhead: (cost) => (ahead.push(cost), 3_000), inFlightPrefillTokens: 1_000 }), { cost: 50 });
  assert.deepEqual(decision, { refuse: true, reason: "queue-full", queueLength: 10, retryAfterMs: 2_000 });
  assert.deepEqual(ahead, [Infinity], "everything queued ahead of its class counts, whatever its cost");
});

test("more healthy backends drain the same work sooner", () => {
  const retryAfter = (healthyBackends: number) => {
    const decision = decideOverload(state({ queueLength: 10, tokensAhead: () => 4_000, healthyBackends }), { cost: 1 });
    return decision.refuse ? decision.retryAfterMs : undefined;
  };
  assert.deepEqual([retryAfter(1), retryAfter(2), retryAfter(0)], [2_000, 1_000, 2_000], "none healthy counts as one");
});

test("a deadline the work ahead makes unmeetable refuses, with the overshoot as the retry hint", () => {
  const busy = state({ tokensAhead: (cost) => (cost >= 100 ? 400 : 0), inFlightPrefillTokens: 300 });
  // 400 queued + 300 in flight + its own 100 = 800 ms of prefill before its first token.
  assert.deepEqual(decideOverload(busy, { cost: 100, ttftDeadlineMs: 500 }), {
    refuse: true,
    reason: "deadline-unmeetable",
    deadlineMs: 500,
    expectedTtftMs: 800,
    retryAfterMs: 300,
  });
  assert.deepEqual(decideOverload(busy, { cost: 100, ttftDeadlineMs: 800 }), { refuse: false }, "a deadline met exactly is met");
  assert.deepEqual(decideOverload(busy, { cost: 50, ttftDeadlineMs: 500 }), { refuse: false }, "shorter prompts queued behind go after it");
});

test("a full queue is refused before its deadline is considered", () => {
  const decision = decideOverload(state({ queueLength: 10, tokensAhead: () => 100_000 }), { cost: 1, ttftDeadlineMs: 10 });
  assert.equal(decision.refuse && decision.reason, "queue-full");
});

test("retry hints stay between 100 ms and a minute, in whole milliseconds", () => {
  assert.deepEqual([clampRetryAfter(0), clampRetryAfter(99.4), clampRetryAfter(1_234.6), clampRetryAfter(3_600_000)], [100, 100, 1_235, 60_000]);
});

test("with fair queueing a full queue refuses a tenant at or over its share of it, not the others", () => {
  const full = state({ queueLength: 10, tokensAhead: () => 1_000 });
  assert.equal(decideOverload({ ...full, tenantQueue: { queued: 9, share: 5 } }, { cost: 1 }).refuse, true);
  assert.equal(decideOverload({ ...full, tenantQueue: { queued: 5, share: 5 } }, { cost: 1 }).refuse, true);
  assert.equal(decideOverload({ ...full, tenantQueue: { queued: 1, share: 5 } }, { cost: 1 }).refuse, false);
  assert.equal(decideOverload({ ...full, queueLength: 19, tenantQueue: { queued: 0, share: 5 } }, { cost: 1 }).refuse, false);
});
