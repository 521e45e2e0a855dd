import assert from "node:assert/strict";
import { test } from "node:test";
import { AdmissionController } from "./admission-controller.js";
import { FairHeadroom } from "./fair-headroom.js";

function headroom(weights: Record<string, number> = {}) {
  let now = 0;
  const h = new FairHeadroom({ seqs: 4, activeWindowMs: 1_000, weightOf: (t) => weights[t] ?? 1, clock: () => now });
  return { h, at: (ms: number) => (now = ms) };
}

test("a tenant alone may fill every slot; with another active, one over its share leaves the headroom", () => {
  const { h, at } = headroom();
  for (let i = 0; i < 40; i++) h.dispatched("flood");
  assert.equal(h.reservedFor("flood", 64), 0, "nobody else is active");
  h.arrived("light");
  assert.equal(h.reservedFor("flood", 64), 4, "40 in flight, over its half of 64");
  assert.equal(h.reservedFor("light", 64), 0, "within its share");
  at(1_001);
  assert.equal(h.reservedFor("flood", 64), 0, "light has been quiet for the window and has nothing in flight");
  h.dispatched("light");
  assert.equal(h.reservedFor("flood", 64), 4, "light has a request in flight: still active");
  h.ended("light");
  assert.equal(h.reservedFor("flood", 64), 0);
});

test("shares follow the weights of the active tenants", () => {
  const { h } = headroom({ gold: 3 });
  h.arrived("other");
  for (let i = 0; i < 40; i++) h.dispatched("gold");
  assert.equal(h.reservedFor("gold", 64), 0, "40 is under gold's 48 of 64");
  for (let i = 0; i < 8; i++) h.dispatched("gold");
  assert.equal(h.reservedFor("gold", 64), 4);
});

test("the admission controller keeps reserved slots free, but never shuts an idle backend", () => {
  const admission = new AdmissionController(
    { maxNumSeqs: 8, maxNumBatchedTokens: 1_000 },
    { prefillBudgetSteps: 100, seqBudgetFraction: 1, kvCacheHighWater: 1, interactiveHeadroomSteps: 0, interactivePrefillBudgetSteps: 100, shortPromptTokens: 0 },
  );
  assert.equal(admission.hasRoomFor(10, "standard", false, 8), true, "an idle backend takes one even if all its slots are reserved");
  for (let i = 0; i < 4; i++) admission.dispatched(0);
  assert.equal(admission.hasRoomFor(10, "standard", false, 4), false);
  assert.equal(admission.hasRoomFor(10, "standard", false, 3), true);
  assert.equal(admission.hasRoomFor(10, "standard", false, 0), true);
});
