import assert from "node:assert/strict";
import { test } from "node:test";
import { clampRetryAfter, decideOverload, type OverloadState } from "./overload-refusal.js";

// 1,000 prefill tokens/s per backend: 1 token a millisecond.
const state = (over: Partial<OverloadState> = {}): OverloadState => ({
  queueLength: 0,
  maxQueueLength: 10,
  tokensAhead: () => 0,
  requestsAhead: () => 0,
  inFlightPrefillTokens: 0,
  healthyBackends: 1,
  prefillTokensPerSecond: 1_000,
  capacity: { slots: 16, running: 0, holdMs: undefined },
  queuePaceWaitMs: () => undefined,
  firstTokenMs: 0,
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
    requestsAhead: 0,
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

test("behind a decode-bound queue the requests ahead, at the queue's pace, make a deadline unmeetable though their prefill is tiny", () => {
  const asked: number[] = [];
  const decodeBound = state({ tokensAhead: () => 30, requestsAhead: () => 3, queuePaceWaitMs: (ahead) => (asked.push(ahead), (ahead + 1) * 400), firstTokenMs: 150 });
  // 4 positions at 400 ms, then 150 ms to the first token.
  assert.deepEqual(decideOverload(decodeBound, { cost: 10, ttftDeadlineMs: 1_000 }), {
    refuse: true,
    reason: "deadline-unmeetable",
    deadlineMs: 1_000,
    expectedTtftMs: 1_750,
    requestsAhead: 3,
    retryAfterMs: 750,
  });
  assert.deepEqual(asked, [3], "the wait of its own position in the queue");
  assert.deepEqual(decideOverload(decodeBound, { cost: 10, ttftDeadlineMs: 1_750 }), { refuse: false });
});

test("with every sequence slot busy, the turns the requests ahead take make a deadline unmeetable before any pace is measured", () => {
  // 16 slots all running, 1.5 s a hold: the 20 ahead take this turn and most of the next.
  const busy = (requestsAhead: number) => state({ requestsAhead: () => requestsAhead, capacity: { slots: 16, running: 16, holdMs: 1_500 }, firstTokenMs: 200 });
  const late = decideOverload(busy(20), { cost: 10, ttftDeadlineMs: 2_000 });
  assert.deepEqual(late, { refuse: true, reason: "deadline-unmeetable", deadlineMs: 2_000, expectedTtftMs: 3_200, requestsAhead: 20, retryAfterMs: 1_200 });
  assert.deepEqual(decideOverload(busy(15), { cost: 10, ttftDeadlineMs: 2_000 }), { refuse: false }, "the next turn: 1.5 s + 0.2 s");
  const slowerPace = state({ requestsAhead: () => 15, capacity: { slots: 16, running: 16, holdMs: 1_500 }, queuePaceWaitMs: (ahead) => (ahead + 1) * 200 });
  assert.equal(decideOverload(slowerPace, { cost: 10, ttftDeadlineMs: 2_000 }).refuse, true, "a queue draining slower than its slots promise: its pace counts");
});

test("before any hold time or pace is known, a deadline is promised only to requests that find a free sequence slot", () => {
  const unknown = (ahead: number) => decideOverload(state({ requestsAhead: () => ahead, capacity: { slots: 4, running: 1, holdMs: undefined } }), { cost: 10, ttftDeadlineMs: 1_000 });
  assert.deepEqual(unknown(2), { refuse: false }, "3 free slots, 2 ahead");
  assert.deepEqual(unknown(3), { refuse: true, reason: "pace-unknown", deadlineMs: 1_000, requestsAhead: 3, retryAfterMs: 1_000 });
  assert.deepEqual(decideOverload(state({ requestsAhead: () => 40, capacity: { slots: 4, running: 4, holdMs: undefined } }), { cost: 10 }), { refuse: false }, "no deadline asked, nothing promised");
});

test("a full queue's retry hint is the larger of the prefill drain and the dispatch wait", () => {
  const decision = decideOverload(state({ queueLength: 10, tokensAhead: () => 1_000, queuePaceWaitMs: (ahead) => ahead * 500 }), { cost: 1 });
  assert.equal(decision.refuse && decision.retryAfterMs, 2_500, "10 requests at 500 ms, halved");
  const bySlots = decideOverload(state({ queueLength: 10, capacity: { slots: 4, running: 4, holdMs: 1_000 } }), { cost: 1 });
  assert.equal(bySlots.refuse && bySlots.retryAfterMs, 1_500, "the 11th in line waits 3 turns of 4 slots, halved");
});
