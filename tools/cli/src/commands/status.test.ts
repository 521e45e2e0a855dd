import assert from "node:assert/strict";
import { test } from "node:test";
import { inference } from "@reviewlens/contracts";
import { renderStatus } from "./status.js";

const backend = (fields: Partial<inference.BackendStatus>) =>
  inference.BackendStatus.fromPartial({ url: "http://b", healthy: true, maxSequences: 4, maxPrefillTokens: 100, ...fields });

test("a backend without vLLM's signals shows what it lacks and unknown, not zero, load", () => {
  const text = renderStatus(
    inference.GetStatusResponse.fromPartial({
      backends: [
        backend({ url: "http://vllm", numRequestsRunning: 3, kvCacheUsage: 0.5, admissionRejections: 7, backoffRemainingMs: 199.6 }),
        backend({
          url: "http://ollama",
          numRequestsRunning: 0,
          missingSignals: [inference.BackendSignal.BACKEND_SIGNAL_LOAD_METRICS, inference.BackendSignal.BACKEND_SIGNAL_TOKENIZE, inference.BackendSignal.BACKEND_SIGNAL_HEALTH],
        }),
      ],
    }),
  );
  const row = (url: string) => text.split("\n").find((l) => l.includes(url))!;
  assert.match(row("http://vllm"), /│ 3 +│.*│ 50% +│ 7 \(200\) +│ - +│/);
  assert.match(row("http://ollama"), /│ \? +│ \? +│ \? +│ 0 \(0\) +│ load-metrics, tokenize, health +│/);
});

test("tenants show their weight's share, what they were served, and their budget's use", () => {
  const text = renderStatus(
    inference.GetStatusResponse.fromPartial({
      fairness: true,
      budgetStore: "redis at redis://redis:6379",
      tenants: [
        { tenant: "default", weight: 1 },
        { tenant: "partner", weight: 3, weightShare: 0.75, servedShare: 0.7, tokensServedLastMinute: 42_000, queued: 5, budgetTokensPerWindow: 100_000, budgetTokensUsed: 61_234, maxInFlight: 32, inFlight: 7 },
        { tenant: "walk-in", weight: 1, weightShare: 0.25, servedShare: 0.3, budgetTokensPerWindow: 5_000 },
      ],
    }),
  );
  assert.match(text, /tenants \(fair queueing on; budgets: redis at redis:\/\/redis:6379\)/);
  const row = (name: string) => text.split("\n").find((l) => l.includes(` ${name} `))!;
  assert.match(row("partner"), /│ 3 \(75%\) +│ 70% +│ 42000 +│ 5 +│ 61234\/100000 +│ 7\/32 +│/);
  assert.match(row("default"), /│ 1 \(0%\) +│ 0% +│ 0 +│ 0 +│ - +│ - +│/);
  assert.match(row("walk-in"), /│ \?\/5000 +│ - +│/, "a budget the store could not report is unknown, not zero");
});
