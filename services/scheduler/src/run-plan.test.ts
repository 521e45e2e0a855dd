import assert from "node:assert/strict";
import { test } from "node:test";
import { planRun, type LastSuccess, type RestaurantSnapshot } from "./run-plan.js";
import { DEFAULT_TIERS, parseTierTable } from "./tier-table.js";

const now = Date.parse("2026-01-01T12:00:00Z");
const ago = (min: number) => new Date(now - min * 60_000);

// A fixed data set; the expected choice below is worked out by hand from the tier table
// (40+: 10 min, 10-39: 30 min, 0-9: 60 min) and update_score = new x max(share new, drift / 0.05).
const restaurants: RestaurantSnapshot[] = [
  { restaurantId: "A", reviewCount: 50, vectorVersion: 10, drift: 0.01 }, // 5 new, novelty 0.2 -> 1.0
  { restaurantId: "B", reviewCount: 45, vectorVersion: 8, drift: 0.2 }, // analysed 5 min ago: not due
  { restaurantId: "C", reviewCount: 20, vectorVersion: 4, drift: 0 }, // 8 new, share 0.4 -> 3.2
  { restaurantId: "D", reviewCount: 20, vectorVersion: 3, drift: 0 }, // unchanged: not due
  { restaurantId: "E", reviewCount: 5, vectorVersion: 1, drift: 0 }, // never analysed -> 5
  { restaurantId: "F", reviewCount: 8, vectorVersion: 6, drift: 0.05 }, // 2 new, drift 1.0 -> 2
  { restaurantId: "G", reviewCount: 30, vectorVersion: 2, drift: 0.002 }, // 1 new, novelty 0.04 -> 0.04
];
const last: Record<string, LastSuccess> = {
  A: { at: ago(15), reviewCount: 45, vectorVersion: 9 },
  B: { at: ago(5), reviewCount: 40, vectorVersion: 7 },
  C: { at: ago(40), reviewCount: 12, vectorVersion: 3 },
  D: { at: ago(40), reviewCount: 20, vectorVersion: 3 },
  F: { at: ago(70), reviewCount: 6, vectorVersion: 5 },
  G: { at: ago(31), reviewCount: 29, vectorVersion: 1 },
};
const tiers = parseTierTable(DEFAULT_TIERS);

test("the run re-analyses the due restaurants with the highest update_score, within the budget", () => {
  const plan = planRun({ restaurants, analysisTypes: ["sentiment"], lastSuccess: (id) => last[id], tiers, nowMs: now, budget: 3 });
  assert.deepEqual(plan.chosen.map((r) => r.restaurantId), ["E", "C", "F"]);
  const byId = new Map(plan.restaurants.map((r) => [r.restaurantId, r]));
  assert.equal(byId.get("C")?.score, 3.2);
  assert.ok(Math.abs((byId.get("A")?.score ?? 0) - 1) < 1e-9);
  assert.equal(byId.get("F")?.novelty, 1);
  assert.match(byId.get("A")!.reason, /^due but over the budget of 3/);
  assert.match(byId.get("G")!.reason, /^due but over the budget/);
  assert.match(byId.get("B")!.reason, /^not due \(sentiment: 5 min since last < tier interval 10 min\)/);
  assert.match(byId.get("D")!.reason, /no new reviews since last/);
  assert.match(byId.get("E")!.reason, /never analysed/);
  assert.equal(byId.get("A")?.tier.intervalMinutes, 10);
  assert.equal(byId.get("E")?.tier.intervalMinutes, 60);
  assert.deepEqual(plan.restaurants.slice(0, 3).map((r) => r.restaurantId), ["E", "C", "F"], "chosen first, in run order");
  assert.equal(byId.get("B")?.chosen, false, "a high score does not make a restaurant due");
});

test("a larger budget takes every due restaurant and nothing that is not due", () => {
  const plan = planRun({ restaurants, analysisTypes: ["sentiment"], lastSuccess: (id) => last[id], tiers, nowMs: now, budget: 100 });
  assert.deepEqual(plan.chosen.map((r) => r.restaurantId), ["E", "C", "F", "A", "G"]);
});

test("analyses are planned per type: a restaurant is due for the types that are due", () => {
  const plan = planRun({
    restaurants: [{ restaurantId: "C", reviewCount: 20, vectorVersion: 4, drift: 0 }],
    analysisTypes: ["sentiment", "summary"],
    lastSuccess: (_id, type) => (type === "summary" ? { at: ago(1), reviewCount: 20, vectorVersion: 4 } : last["C"]),
    tiers,
    nowMs: now,
    budget: 1,
  });
  assert.deepEqual(plan.chosen[0]?.analysisTypes, ["sentiment"]);
});

test("a deletion plus an addition keeps the count but counts as a change", () => {
  const plan = planRun({
    restaurants: [{ restaurantId: "D", reviewCount: 20, vectorVersion: 5, drift: 0 }],
    analysisTypes: ["sentiment"],
    lastSuccess: () => last["D"],
    tiers,
    nowMs: now,
    budget: 1,
  });
  assert.equal(plan.chosen[0]?.newReviews, 1);
});

test("tier tables must cover every review count once", () => {
  assert.equal(parseTierTable("0-:5").length, 1);
  assert.throws(() => parseTierTable("0-9:60,20-:10"), /gap at 10/);
  assert.throws(() => parseTierTable("0-9:60,5-:10"), /overlap/);
  assert.throws(() => parseTierTable("0-9:60"), /open-ended/);
  assert.throws(() => parseTierTable("0-9:x"), /MIN-MAX:MINUTES/);
  assert.throws(() => parseTierTable("0-:0"), /positive/);
});
