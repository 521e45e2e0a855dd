import assert from "node:assert/strict";
import { test } from "node:test";
import { tenantStatusRows } from "./tenant-status.js";

test("rows for configured and active tenants: weight shares among the active, served shares, queue and budget", () => {
  const weights: Record<string, number> = { gold: 3, default: 1 };
  const rows = tenantStatusRows({
    configured: ["default", "gold"],
    weightOf: (t) => weights[t] ?? 1,
    tokensPerMinuteOf: (t) => (t === "gold" ? 120_000 : undefined),
    served: [
      { tenant: "gold", tokens: 750, share: 0.75 },
      { tenant: "walk-in", tokens: 250, share: 0.25 },
    ],
    queued: [
      { tenant: "gold", priority: "standard", depth: 2, queuedTokens: 10, counter: 0 },
      { tenant: "gold", priority: "batch", depth: 1, queuedTokens: 10, counter: 0 },
    ],
    budgets: [{ tenant: "gold", limits: { tokensPerWindow: 120_000, maxInFlight: 8 }, usage: { tokensUsed: 5_000, inFlight: 3 } }],
  });
  assert.deepEqual(rows.map((r) => [r.tenant, r.weightShare, r.servedShare, r.queued, r.budgetTokensUsed, r.inFlight]), [
    ["default", 0, 0, 0, undefined, undefined],
    ["gold", 0.75, 0.75, 3, 5_000, 3],
    ["walk-in", 0.25, 0.25, 0, undefined, undefined],
  ]);
});
