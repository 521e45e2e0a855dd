import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultDay, simulateDay } from "./simulated-day.js";

test("the three layers' savings add up to the analyses saved, and each layer saves something", async () => {
  const day = await simulateDay({ ...defaultDay, restaurants: 40, clientCallsPerDay: 300 });
  const { saved, naive, actual } = day;
  assert.equal(saved.byScheduler + saved.bySkip + saved.byLock, naive.analyses - actual.analyses);
  assert.ok(saved.byScheduler > 0 && saved.bySkip > 0 && saved.byLock > 0, JSON.stringify(saved));
  assert.equal(day.schedulerRuns, 144);
  assert.ok(actual.scheduled > 0 && actual.interactive > 0);
});

test("the same seed gives the same day", async () => {
  const opts = { ...defaultDay, restaurants: 20, clientCallsPerDay: 100 };
  assert.deepEqual(await simulateDay(opts), await simulateDay(opts));
});
