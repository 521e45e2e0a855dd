import assert from "node:assert/strict";
import { test } from "node:test";
import { AdmissionController } from "./admission-controller.js";
import { autoHeadroomSeqs, FairHeadroom } from "./fair-headroom.js";

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

test("auto headroom: all their share before anything ended, then sized by their arrivals against the requests ending", () => {
  // Active others with no arrival in the window count one: 1/50 per slot freed, 0.02^2 < 1% <= 0.02.
  assert.equal(autoHeadroomSeqs(0, 50, 32), 2, "active, but no arrival within the window");
  assert.equal(autoHeadroomSeqs(5, 0, 32), 32, "nothing ended yet: their whole share");
  assert.equal(autoHeadroomSeqs(50, 50, 32), 32, "they arrive as fast as slots free");
  // ρ = 0.25: an arrival finds no free slot about ρ^N of the time; 0.25^4 < 1% <= 0.25^3.
  assert.equal(autoHeadroomSeqs(12, 48, 32), 4);
  assert.ok(autoHeadroomSeqs(24, 48, 32) > 4, "more arrivals per slot freed, more headroom");
  assert.equal(autoHeadroomSeqs(1, 1_000, 32), 1, "at least one while they arrive at all");
  assert.equal(autoHeadroomSeqs(40, 48, 3), 3, "never more than the others' share");
});

test("auto headroom in use: the flooding tenant over its share leaves what the other's arrival rate needs, per backend; alone it fills everything", () => {
  let now = 0;
  const h = new FairHeadroom({ seqs: "auto", activeWindowMs: 2_000, weightOf: () => 1, clock: () => now });
  for (let i = 0; i < 60; i++) h.dispatched("flood");
  h.arrived("flood");
  assert.equal(h.reservedFor("flood", 64), 0, "alone");
  h.arrived("light");
  assert.equal(h.reservedFor("flood", 64), 32, "light arrives and nothing ended yet: light's whole half");
  for (let i = 0; i < 47; i++) {
    now += 40;
    h.ended("flood");
    h.dispatched("flood");
    if (i % 4 === 0) h.arrived("light");
  }
  // Within the last 2 s: 13 arrivals of light against 47 ends, ρ about 0.28: 0.28^4 < 1% <= 0.28^3.
  assert.equal(h.reservedFor("flood", 64), 4);
  assert.equal(h.reservedFor("flood", 64, 2), 2, "two backends share it");
  assert.equal(h.reservedFor("light", 64), 0, "light is within its share");
  now += 2_001;
  assert.equal(h.reservedFor("flood", 64), 0, "light went quiet and holds nothing");
});
