import assert from "node:assert/strict";
import { test } from "node:test";
import type { AnalysisState } from "@reviewlens/metrics-store";
import { decideSkip } from "./skip-policy.js";

const success = new Date("2026-01-01T10:00:00Z");
const state: AnalysisState = {
  restaurantId: "r1",
  analysisType: "sentiment",
  lastSuccessAt: success,
  lastAttemptAt: success,
  reviewCount: 40,
  vectorVersion: 7,
  fencing: 3,
  lastResult: { positive: 30 },
};
const version = { reviewCount: 40, vectorVersion: 7 };
const at = (seconds: number) => success.getTime() + seconds * 1000;

test("a recent success over unchanged reviews is skipped with its result and age", () => {
  assert.deepEqual(decideSkip({ state, version, force: false, nowMs: at(90), minIntervalSeconds: 3600 }), {
    skip: true,
    storedResult: { positive: 30 },
    analyzedAt: success,
    ageSeconds: 90,
  });
});

test("runs when forced, never succeeded, too old, or reviews changed", () => {
  const base = { state, version, force: false, nowMs: at(90), minIntervalSeconds: 3600 };
  assert.deepEqual(decideSkip({ ...base, force: true }), { skip: false, reason: "forced" });
  assert.deepEqual(decideSkip({ ...base, state: undefined }), { skip: false, reason: "never-succeeded" });
  assert.deepEqual(decideSkip({ ...base, state: { ...state, lastSuccessAt: undefined } }), { skip: false, reason: "never-succeeded" });
  assert.deepEqual(decideSkip({ ...base, nowMs: at(3600) }), { skip: false, reason: "interval-elapsed" });
  assert.deepEqual(decideSkip({ ...base, version: { reviewCount: 41, vectorVersion: 8 } }), { skip: false, reason: "reviews-changed" });
  // A deleted and an added review keep the count but move the vector version.
  assert.deepEqual(decideSkip({ ...base, version: { reviewCount: 40, vectorVersion: 9 } }), { skip: false, reason: "reviews-changed" });
});
