// Which restaurants this run re-analyses, and why: due by tier interval and changed since the last
// success, highest update_score first, within the per-run budget. Pure: snapshot and clock in.
import { tierFor, type Tier } from "./tier-table.js";
import { updateScore } from "./update-score.js";

export interface RestaurantSnapshot {
  readonly restaurantId: string;
  readonly reviewCount: number;
  readonly vectorVersion: number;
  readonly drift: number;
}

export interface LastSuccess {
  readonly at: Date;
  readonly reviewCount: number;
  readonly vectorVersion: number;
}

export interface PlanInput {
  readonly restaurants: readonly RestaurantSnapshot[];
  readonly analysisTypes: readonly string[];
  readonly lastSuccess: (restaurantId: string, analysisType: string) => LastSuccess | undefined;
  readonly tiers: readonly Tier[];
  readonly nowMs: number;
  /** Restaurants per run at most. */
  readonly budget: number;
  readonly driftScale?: number;
}

export interface PlannedRestaurant {
  readonly restaurantId: string;
  readonly tier: Tier;
  readonly reviewCount: number;
  /** The analyses due for it (empty when not due). */
  readonly analysisTypes: readonly string[];
  readonly newReviews: number;
  readonly novelty: number;
  readonly score: number;
  readonly chosen: boolean;
  readonly reason: string;
}

export interface Plan {
  /** Every restaurant, chosen first in run order, then the rest by score. */
  readonly restaurants: readonly PlannedRestaurant[];
  readonly chosen: readonly PlannedRestaurant[];
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

interface Assessment {
  readonly due: boolean;
  readonly newReviews: number;
  readonly novelty: number;
  readonly score: number;
  readonly why: string;
}

function assess(r: RestaurantSnapshot, tier: Tier, last: LastSuccess | undefined, nowMs: number, driftScale: number | undefined): Assessment {
  const s = updateScore({ ...r, last }, driftScale);
  if (!last) return { due: true, ...s, why: "never analysed" };
  const sinceMs = nowMs - last.at.getTime();
  const intervalMs = tier.intervalMinutes * 60_000;
  if (sinceMs < intervalMs) return { due: false, ...s, why: `${minutes(sinceMs)} since last < tier interval ${minutes(intervalMs)}` };
  if (s.newReviews === 0) return { due: false, ...s, why: "no new reviews since last" };
  return {
    due: true,
    ...s,
    why: `${minutes(sinceMs)} since last >= ${minutes(intervalMs)}, ${s.newReviews} new, novelty ${s.novelty.toFixed(2)}`,
  };
}

export function planRun(input: PlanInput): Plan {
  const assessed = input.restaurants.map((r) => {
    const tier = tierFor(input.tiers, r.reviewCount);
    const perType = input.analysisTypes.map((type) => ({ type, ...assess(r, tier, input.lastSuccess(r.restaurantId, type), input.nowMs, input.driftScale) }));
    const due = perType.filter((a) => a.due);
    const best = [...(due.length > 0 ? due : perType)].sort((a, b) => b.score - a.score)[0];
    return {
      restaurantId: r.restaurantId,
      tier,
      reviewCount: r.reviewCount,
      analysisTypes: due.map((a) => a.type),
      newReviews: best?.newReviews ?? 0,
      novelty: best?.novelty ?? 0,
      score: best?.score ?? 0,
      reasons: perType.map((a) => `${a.type}: ${a.why}`).join("; "),
    };
  });
  // Highest score first; ties go to the busier restaurant, then a stable order by id.
  assessed.sort((a, b) => b.score - a.score || b.reviewCount - a.reviewCount || a.restaurantId.localeCompare(b.restaurantId));
  let left = input.budget;
  const restaurants = assessed.map(({ reasons, ...a }): PlannedRestaurant => {
    const due = a.analysisTypes.length > 0;
    const chosen = due && left > 0;
    if (chosen) left--;
    const reason = !due ? `not due (${reasons})` : chosen ? `due (${reasons})` : `due but over the budget of ${input.budget} (${reasons})`;
    return { ...a, analysisTypes: a.analysisTypes, chosen, reason };
  });
  const chosen = restaurants.filter((r) => r.chosen);
  return { restaurants: [...chosen, ...restaurants.filter((r) => !r.chosen)], chosen };
}
