import assert from "node:assert/strict";
import { test } from "node:test";
import type { PolicyResult } from "./policy-run.js";
import { POLICIES } from "./policies.js";
import { headline, markdownTable } from "./scale-to-zero-report.js";

const result = (name: string, figures: Partial<PolicyResult>): PolicyResult => {
  const settings = POLICIES.find((p) => p.name === name)!;
  return {
    policy: name,
    label: settings.label,
    settings,
    gpuHours: 24,
    dollars: 36,
    requests: 1_000,
    completed: 1_000,
    failed: 0,
    failuresByError: {},
    coldPoolRequests: 0,
    p95ColdPoolLatencyS: null,
    p95LatencyS: 4.2,
    p50LatencyS: 2,
    dollarsPer1000Analyses: 36,
    podStarts: 0,
    podStops: 0,
    gateway: { wakes: 0, meanWakeS: null, heldRequests: 0, coldPoolRefusals: 0 },
    wallSeconds: 1,
    ...figures,
  };
};

const results = [
  result("always-on", {}),
  result("stop-auto-wake", { gpuHours: 6, dollars: 9, coldPoolRequests: 40, p95ColdPoolLatencyS: 190.5, dollarsPer1000Analyses: 9, podStarts: 5 }),
];

test("one markdown row per policy, GPU-hours saved against always on, '-' where nothing met a cold pool", () => {
  const lines = markdownTable(results).split("\n");
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^\| policy \| GPU-hours \| fewer than always on \|/);
  assert.equal(lines[1], "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  assert.equal(lines[2], "| always on | 24.00 | 0% | $36.00 | 1000 / 1000 | 0 | 0 | - | 4.2 s | $36.00 | 0 |");
  assert.equal(lines[3], "| stop when idle, knowing the scheduler's runs, automatic wake | 6.00 | 75% | $9.00 | 1000 / 1000 | 0 | 40 | 190.5 s | 4.2 s | $9.00 | 5 |");
});

test("the headline says each policy's saving, failures, cold-pool latency and price per 1,000 analyses", () => {
  assert.deepEqual(headline(results), [
    "always on: 24.00 GPU-hours (0% fewer than always on), 0 failed, p95 cold-pool latency -, $36.00 per 1,000 analyses",
    "stop when idle, knowing the scheduler's runs, automatic wake: 6.00 GPU-hours (75% fewer than always on), 0 failed, p95 cold-pool latency 190.5 s, $9.00 per 1,000 analyses",
  ]);
});
