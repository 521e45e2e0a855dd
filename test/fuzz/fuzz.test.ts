// The seeded fuzz run of `make test` (issue 18): every RPC of every service and every facade
// endpoint gets valid messages, boundary values, raw malformed frames and one-field mutations; no
// process crashes, every refusal names its field with an allowed code, refused writes leave every
// store as it was, and over-size messages and over-context prompts never reach the simulator.
// `make fuzz` runs the same with many more inputs and writes the counts per RPC.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runFuzzSession } from "./fuzz-session.js";

test("thousands of bad inputs: no crash, clear refusals naming the field, nothing stored, no backend work", async () => {
  const summary = await runFuzzSession({ seed: 18, runs: { valid: 6, boundary: 12, mutation: 12, raw: 12 }, analysisShare: 0.5 });
  const calls = Object.values(summary.counts).flatMap((byCategory) => Object.values(byCategory).flatMap((byCode) => Object.values(byCode ?? {})));
  assert.ok(calls.reduce((a, b) => a + b, 0) > 500, "the run made its calls");
  assert.deepEqual(summary.failures, []);
});
