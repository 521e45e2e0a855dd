import assert from "node:assert/strict";
import { test } from "node:test";
import type { BatchAnalyser, BatchResult } from "./ports.js";
import { runOnce, type RunOnceInput } from "./run-once.js";
import { parseTierTable } from "./tier-table.js";

const now = Date.parse("2026-01-01T12:00:00Z");

class FakeAnalyser implements BatchAnalyser {
  calls: { type: string; ids: string[] }[] = [];
  failType: string | undefined;
  async *run(type: string, ids: readonly string[]): AsyncIterable<BatchResult> {
    this.calls.push({ type, ids: [...ids] });
    if (type === this.failType) throw new Error("UNAVAILABLE: summarization is down");
    for (const id of ids) yield { restaurantId: id, status: id === "r2" ? "skipped" : "completed", llmRequests: id === "r2" ? 0 : 3 };
  }
}

function input(analyser: FakeAnalyser, overrides: Partial<RunOnceInput> = {}): RunOnceInput & { printed: string[] } {
  const printed: string[] = [];
  return {
    stats: {
      list: async () => [
        { restaurantId: "r1", reviewCount: 50, vectorVersion: 2, drift: 0 },
        { restaurantId: "r2", reviewCount: 5, vectorVersion: 1, drift: 0 },
        { restaurantId: "r3", reviewCount: 5, vectorVersion: 1, drift: 0 },
      ],
    },
    lastSuccesses: {
      load: async () => new Map([["r3/sentiment", { at: new Date(now - 60_000), reviewCount: 5, vectorVersion: 1 }]]),
    },
    analyser,
    analysisTypes: ["sentiment", "summary"],
    tiers: parseTierTable("0-:10"),
    budget: 10,
    driftScale: 0.05,
    nowMs: now,
    dryRun: false,
    signal: new AbortController().signal,
    print: (l) => printed.push(l),
    printed,
    ...overrides,
  };
}

test("a dry run prints the choice and why, and calls nothing", async () => {
  const analyser = new FakeAnalyser();
  const i = input(analyser, { dryRun: true });
  const { summary } = await runOnce(i);
  assert.deepEqual(analyser.calls, []);
  assert.equal(summary.chosen, 3);
  assert.match(i.printed[0]!, /^\[dry run\] 3 restaurants, 3 due, 3 chosen \(budget 10\)/);
  assert.ok(i.printed.some((l) => /^RUN r3 .*summary .*sentiment: 1 min since last < tier interval 10 min; summary: never analysed/.test(l)));
});

test("each analysis type gets one batch call with the restaurants due for it; outcomes are counted", async () => {
  const analyser = new FakeAnalyser();
  const { summary } = await runOnce(input(analyser));
  const byType = Object.fromEntries(analyser.calls.map((c) => [c.type, c.ids]));
  assert.deepEqual(byType["sentiment"], ["r1", "r2"], "r3's sentiment ran a minute ago");
  assert.deepEqual(byType["summary"], ["r1", "r2", "r3"]);
  assert.deepEqual(summary.outcomes, { completed: 3, skipped: 2, failed: 0 });
  assert.equal(summary.llmRequests, 9);
});

test("a batch that fails counts its restaurants as failed with the reason", async () => {
  const analyser = new FakeAnalyser();
  analyser.failType = "summary";
  const { summary } = await runOnce(input(analyser));
  assert.equal(summary.outcomes.failed, 3);
  assert.deepEqual(new Set(summary.failures.map((f) => f.error)), new Set(["UNAVAILABLE: summarization is down"]));
});

test("the budget limits restaurants, not analyses", async () => {
  const analyser = new FakeAnalyser();
  const { summary } = await runOnce(input(analyser, { budget: 1 }));
  assert.equal(summary.chosen, 1);
  assert.deepEqual(analyser.calls.map((c) => c.ids), [["r1"], ["r1"]]);
});
