// One scheduler run: snapshot restaurants, plan, print the choice and why, run the batches (unless
// dry-run), and report what happened.
import type { BatchAnalyser, BatchStatus, LastSuccessSource, RestaurantStatsSource } from "./ports.js";
import { planRun, type Plan } from "./run-plan.js";
import type { Tier } from "./tier-table.js";

export interface RunOnceInput {
  readonly stats: RestaurantStatsSource;
  readonly lastSuccesses: LastSuccessSource;
  readonly analyser: BatchAnalyser;
  readonly analysisTypes: readonly string[];
  readonly tiers: readonly Tier[];
  readonly budget: number;
  readonly driftScale: number;
  readonly nowMs: number;
  readonly dryRun: boolean;
  readonly signal: AbortSignal;
  readonly print: (line: string) => void;
}

export interface RunSummary {
  readonly dryRun: boolean;
  readonly restaurants: number;
  readonly due: number;
  readonly chosen: number;
  readonly analysesRequested: number;
  readonly outcomes: Record<BatchStatus, number>;
  readonly llmRequests: number;
  readonly failures: { restaurantId: string; analysisType: string; error: string }[];
}

export interface RunOnceResult {
  readonly plan: Plan;
  readonly summary: RunSummary;
}

export async function runOnce(input: RunOnceInput): Promise<RunOnceResult> {
  const { print } = input;
  const [restaurants, last] = await Promise.all([
    input.stats.list(input.signal),
    input.lastSuccesses.load(input.analysisTypes, input.signal),
  ]);
  const plan = planRun({
    restaurants,
    analysisTypes: input.analysisTypes,
    lastSuccess: (id, type) => last.get(`${id}/${type}`),
    tiers: input.tiers,
    nowMs: input.nowMs,
    budget: input.budget,
    driftScale: input.driftScale,
  });
  const due = plan.restaurants.filter((r) => r.analysisTypes.length > 0).length;
  print(`${input.dryRun ? "[dry run] " : ""}${restaurants.length} restaurants, ${due} due, ${plan.chosen.length} chosen (budget ${input.budget})`);
  for (const r of plan.restaurants) {
    const mark = r.chosen ? "RUN " : "    ";
    print(`${mark}${r.restaurantId}  tier ${r.tier.name} (${r.tier.intervalMinutes} min)  reviews ${r.reviewCount}  score ${r.score.toFixed(2)}  ${r.chosen ? r.analysisTypes.join("+") + "  " : ""}${r.reason}`);
  }

  const outcomes: Record<BatchStatus, number> = { completed: 0, skipped: 0, failed: 0 };
  const failures: RunSummary["failures"] = [];
  let llmRequests = 0;
  let analysesRequested = 0;
  if (!input.dryRun) {
    // One batch call per analysis type, all at once: the gateway's batch class orders them behind
    // interactive traffic, so the scheduler need not pace itself.
    await Promise.all(
      input.analysisTypes.map(async (type) => {
        const ids = plan.chosen.filter((r) => r.analysisTypes.includes(type)).map((r) => r.restaurantId);
        if (ids.length === 0) return;
        analysesRequested += ids.length;
        const seen = new Set<string>();
        try {
          for await (const result of input.analyser.run(type, ids, input.signal)) {
            seen.add(result.restaurantId);
            outcomes[result.status]++;
            llmRequests += result.llmRequests;
            if (result.error) failures.push({ restaurantId: result.restaurantId, analysisType: type, error: result.error });
            print(`${type} ${result.restaurantId}: ${result.status}${result.error ? ` (${result.error})` : ""}`);
          }
        } catch (err) {
          for (const id of ids.filter((i) => !seen.has(i))) {
            outcomes.failed++;
            failures.push({ restaurantId: id, analysisType: type, error: (err as Error).message });
          }
          print(`${type} batch failed: ${(err as Error).message}`);
        }
      }),
    );
  }
  const summary: RunSummary = {
    dryRun: input.dryRun,
    restaurants: restaurants.length,
    due,
    chosen: plan.chosen.length,
    analysesRequested,
    outcomes,
    llmRequests,
    failures,
  };
  print(`summary: ${JSON.stringify(summary)}`);
  return { plan, summary };
}
