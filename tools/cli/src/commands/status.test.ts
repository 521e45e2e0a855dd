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
