import assert from "node:assert/strict";
import { test } from "node:test";
import { ColdStartEstimate } from "./cold-start-estimate.js";

test("the configured cold start stands until a wake is measured", () => {
  const estimate = new ColdStartEstimate(180_000);
  assert.equal(estimate.expectedMs, 180_000);
  estimate.observe(95_000);
  assert.equal(estimate.expectedMs, 95_000, "one measured wake replaces the configured guess");
});

test("then the median of the last few measured wakes: one slow wake does not move it far", () => {
  const estimate = new ColdStartEstimate(180_000, 3);
  for (const ms of [100_000, 120_000, 600_000]) estimate.observe(ms);
  assert.equal(estimate.expectedMs, 120_000);
  estimate.observe(110_000);
  estimate.observe(130_000);
  assert.equal(estimate.expectedMs, 130_000, "only the last three count: 600, 110, 130");
  assert.equal(estimate.measured, 3);
  const even = new ColdStartEstimate(1, 4);
  for (const ms of [10, 20]) even.observe(ms);
  assert.equal(even.expectedMs, 15);
});
