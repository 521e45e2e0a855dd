import assert from "node:assert/strict";
import { test } from "node:test";
import { SloWindow } from "./slo-window.js";

test("goodput counts the answers that met the SLO over the window; compliance is their share", () => {
  const window = new SloWindow(60_000, 1_000, () => 0);
  assert.deepEqual(window.snapshot(), { goodputRequestsPerSecond: 0, sloCompliance: 1 }, "nothing answered: nothing missed");
  for (let i = 0; i < 90; i++) window.record(true);
  for (let i = 0; i < 30; i++) window.record(false);
  assert.deepEqual(window.snapshot(), { goodputRequestsPerSecond: 1.5, sloCompliance: 0.75 });
});

test("answers older than the window drop out", () => {
  let now = 0;
  const window = new SloWindow(60_000, 1_000, () => now);
  window.record(false);
  now = 30_000;
  window.record(true);
  now = 60_000;
  assert.equal(window.snapshot().sloCompliance, 0.5, "both still inside");
  now = 60_001;
  assert.deepEqual(window.snapshot(), { goodputRequestsPerSecond: 1 / 60, sloCompliance: 1 });
  now = 90_001;
  assert.deepEqual(window.snapshot(), { goodputRequestsPerSecond: 0, sloCompliance: 1 });
});

test("beyond its bound the oldest answers are forgotten first", () => {
  const window = new SloWindow(60_000, 3, () => 0);
  window.record(false);
  for (let i = 0; i < 3; i++) window.record(true);
  assert.equal(window.snapshot().sloCompliance, 1);
});
