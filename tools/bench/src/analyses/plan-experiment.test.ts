import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fitOverheads, PLAN_VARIANTS, type PlanRun } from "./plan-experiment.js";

describe("fitOverheads", () => {
  it("recovers a constant per analysis and a cost per request from runs whose plans differ in requests", () => {
    const perAnalysis = { sentiment: 40, summary: 55, strengths: 120 };
    const runs: PlanRun[] = PLAN_VARIANTS.flatMap((variant, v) =>
      [0, 1].map((k) => {
        const requests = 1 + ((v * 3 + k) % 9);
        const engineMs = 100 + 10 * v;
        return {
          variant,
          restaurantId: "r",
          engineMs,
          measuredMs: engineMs + perAnalysis[variant.analysis] + 4 * requests,
          plan: { stages: [{ name: "s", requests: Array.from({ length: requests }, () => ({ promptTokens: 10, cachedTokens: 0, outputTokens: 5 })) }] },
        };
      }),
    );
    const fitted = fitOverheads(runs);
    assert.ok(Math.abs(fitted.perRequestMs - 4) < 1e-9, String(fitted.perRequestMs));
    for (const [analysis, ms] of Object.entries(perAnalysis)) assert.ok(Math.abs(fitted.perAnalysisMs[analysis as keyof typeof perAnalysis] - ms) < 1e-9, analysis);
  });
});
