import assert from "node:assert/strict";
import { test } from "node:test";
import { AdmissionController } from "./admission-controller.js";

const controller = (maxNumSeqs = 4, maxNumBatchedTokens = 1_000) =>
  new AdmissionController({ maxNumSeqs, maxNumBatchedTokens }, { prefillBudgetSteps: 1, seqBudgetFraction: 1, kvCacheHighWater: 0.95, interactiveHeadroomSteps: 1, interactivePrefillBudgetSteps: 1, shortPromptTokens: 0 });

test("admits while in-flight prefill is under the budget, overshooting it by at most one step", () => {
  const a = controller(10, 1_000);
  assert.equal(a.hasRoomFor(600), true);
  a.dispatched(600);
  assert.equal(a.hasRoomFor(1_400), true);
  assert.equal(a.hasRoomFor(1_401), false);
  a.dispatched(900);
  assert.equal(a.hasRoomFor(1), false, "1,500 in flight: the budget is full");
  a.prefilled(600);
  assert.equal(a.hasRoomFor(1_100), true);
  assert.equal(a.hasRoomFor(1_101), false);
});

test("the interactive class may fill the headroom beyond a budget the batch class has filled", () => {
  const a = controller(10, 1_000);
  a.dispatched(1_200);
  assert.equal(a.hasRoomFor(100, "batch"), false);
  assert.equal(a.hasRoomFor(100, "standard"), false);
  assert.equal(a.hasRoomFor(100, "interactive"), true);
  a.dispatched(900);
  assert.equal(a.hasRoomFor(100, "interactive"), false, "2,100 in flight: past the headroom too");
});

test("while interactive requests arrive, the other classes keep to the smaller budget", () => {
  const a = new AdmissionController(
    { maxNumSeqs: 100, maxNumBatchedTokens: 1_000 },
    { prefillBudgetSteps: 2, seqBudgetFraction: 1, kvCacheHighWater: 0.95, interactiveHeadroomSteps: 1, interactivePrefillBudgetSteps: 1, shortPromptTokens: 0 },
  );
  a.dispatched(1_500);
  assert.equal(a.hasRoomFor(100, "batch", false), true, "no interactive traffic: two steps of budget keep vLLM's steps full");
  assert.equal(a.hasRoomFor(100, "batch", true), false, "interactive traffic: one step, so little prefill waits ahead of it");
  assert.equal(a.hasRoomFor(100, "standard", true), false);
  assert.equal(a.hasRoomFor(100, "interactive", true), true, "the full budget plus its headroom");
  a.dispatched(1_000);
  assert.equal(a.hasRoomFor(100, "batch", false), false, "2,500 in flight: past the full budget");
  assert.equal(a.hasRoomFor(100, "interactive", true), true, "interactive requests still have headroom beyond the full budget");
  a.dispatched(600);
  assert.equal(a.hasRoomFor(100, "interactive", true), false, "3,100 in flight: past the full budget plus headroom");
});

test("a short prompt needs only room within the overshoot, not a free budget", () => {
  const a = new AdmissionController(
    { maxNumSeqs: 10, maxNumBatchedTokens: 1_000 },
    { prefillBudgetSteps: 1, seqBudgetFraction: 1, kvCacheHighWater: 0.95, interactiveHeadroomSteps: 0, interactivePrefillBudgetSteps: 1, shortPromptTokens: 64 },
  );
  a.dispatched(1_200);
  assert.equal(a.hasRoomFor(65), false, "a prompt above the threshold waits for the budget");
  assert.equal(a.hasRoomFor(64), true, "a short one goes ahead");
  a.dispatched(750);
  assert.equal(a.hasRoomFor(50), true, "2,000 of budget plus overshoot: 1,950 + 50 fits");
  assert.equal(a.hasRoomFor(51), false);
  assert.equal(a.isShortPrompt(64), true);
  assert.equal(a.isShortPrompt(65), false);
  for (let i = 0; i < 8; i++) a.dispatched(0);
  assert.equal(a.hasRoomFor(1), false, "max_num_seqs still holds");
});

test("a prompt larger than the budget goes alone once nothing else prefills", () => {
  const a = controller(10, 1_000);
  a.dispatched(100);
  assert.equal(a.hasRoomFor(5_000), false);
  a.prefilled(100);
  assert.equal(a.hasRoomFor(5_000), true);
});

test("sequences stay under max_num_seqs", () => {
  const a = controller(2, 1_000);
  a.dispatched(1);
  a.dispatched(1);
  a.prefilled(1);
  a.prefilled(1);
  assert.equal(a.hasRoomFor(1), false);
  a.finished(1, true);
  assert.equal(a.hasRoomFor(1), true);
  assert.equal(a.inFlightSequences, 1);
});

test("finishing before the first token releases the prefill tokens too", () => {
  const a = controller();
  a.dispatched(700);
  a.finished(700, false);
  assert.equal(a.inFlightPrefillTokens, 0);
  assert.equal(a.inFlightSequences, 0);
});

test("waiting beyond our own prefilling requests shrinks the sequence budget, then it recovers", () => {
  const a = controller(100, 1_000_000);
  for (let i = 0; i < 40; i++) a.dispatched(10);
  for (let i = 0; i < 40; i++) a.prefilled(10);
  a.observe({ running: 30, waiting: 10, kvCacheUsage: 0.9 });
  assert.equal(a.sequenceLimit, 100, "one sample may be a transient");
  a.observe({ running: 30, waiting: 10, kvCacheUsage: 0.9 });
  assert.equal(a.sequenceLimit, 30);
  assert.equal(a.hasRoomFor(1), false);
  a.observe({ running: 30, waiting: 0, kvCacheUsage: 0.5 });
  assert.equal(a.sequenceLimit, 60);
  a.observe({ running: 30, waiting: 0, kvCacheUsage: 0.5 });
  assert.equal(a.sequenceLimit, 100, "doubling stops at max_num_seqs");
});

test("our own prefilling requests waiting for the step budget do not shrink the budget", () => {
  const a = controller(100, 1_000_000);
  for (let i = 0; i < 5; i++) a.dispatched(10);
  a.observe({ running: 0, waiting: 5, kvCacheUsage: 0.1 });
  a.observe({ running: 0, waiting: 5, kvCacheUsage: 0.1 });
  assert.equal(a.sequenceLimit, 100);
  // Those that got their first token while the scrape was on its way still count as prefilling.
  for (let i = 0; i < 5; i++) a.prefilled(10);
  a.observe({ running: 0, waiting: 5, kvCacheUsage: 0.1 }, 5);
  a.observe({ running: 0, waiting: 5, kvCacheUsage: 0.1 }, 5);
  assert.equal(a.sequenceLimit, 100);
});

test("a full KV cache admits nothing more until it drains", () => {
  const a = controller(100, 1_000_000);
  a.dispatched(10);
  a.observe({ running: 1, waiting: 0, kvCacheUsage: 0.97 });
  assert.equal(a.hasRoomFor(1), false);
  a.observe({ running: 1, waiting: 0, kvCacheUsage: 0.5 });
  assert.equal(a.hasRoomFor(1), true);
});

test("load is the fuller of the two budgets", () => {
  const a = controller(4, 1_000);
  a.dispatched(500);
  assert.equal(a.load(), 0.5);
  a.prefilled(500);
  assert.equal(a.load(), 0.25);
});

test("a backend that refused at its admission limit gets nothing until one of ours leaves it or the backoff passes", () => {
  let now = 0;
  const a = new AdmissionController(
    { maxNumSeqs: 8, maxNumBatchedTokens: 1_000 },
    { prefillBudgetSteps: 1, seqBudgetFraction: 1, kvCacheHighWater: 0.95, interactiveHeadroomSteps: 1, interactivePrefillBudgetSteps: 1, shortPromptTokens: 0, backpressureBackoffMs: 100, backpressureMaxBackoffMs: 300, clock: () => now },
  );
  for (const cost of [10, 10, 10]) a.dispatched(cost);
  a.prefilled(10);
  a.prefilled(10);
  // The third one came back 503 before its first token: it leaves, then the backend is paused.
  a.finished(10, false);
  assert.equal(a.pushedBack(), 100);
  assert.equal(a.pausedMs(), 100);
  assert.equal(a.hasRoomFor(1), false);
  assert.equal(a.sequenceLimit, 2, "the budget drops to what the backend holds of ours");
  now = 100;
  assert.equal(a.pausedMs(), 0, "the backoff has passed");
  assert.equal(a.hasRoomFor(1), false, "the two it holds fill the reduced budget");
  a.finished(10, true);
  assert.equal(a.hasRoomFor(1), true, "one of ours left it: room under its cap");
  a.dispatched(10);
  assert.equal(a.hasRoomFor(1), false);
  a.prefilled(10);
  assert.equal(a.sequenceLimit, 3, "a first token grows the cut budget by one");
  assert.equal(a.hasRoomFor(1), true);
  // Refusals in a row double the pause up to the maximum; the backend's Retry-After wins.
  assert.equal(a.pushedBack(), 100);
  assert.equal(a.pushedBack(), 200);
  assert.equal(a.pushedBack(), 300);
  assert.equal(a.pushedBack(), 300);
  assert.equal(a.pushedBack(50), 50);
  // One of ours leaving it ends the pause at once.
  a.finished(10, true);
  assert.equal(a.pausedMs(), 0);
});
