// A simulated day of review traffic with idle gaps: reviews written at a restaurant's pace and the
// hour of the day (after lunch and dinner, little at night); the scheduler's real planner every
// SCHEDULE_EVERY minutes re-analysing the restaurants its tiers find due with new reviews (bursts
// of batch work); and sparse interactive analyses. Pure: options in, the day's analyses out.
import { DEFAULT_TIERS, parseTierTable, planRun, type LastSuccess } from "@reviewlens/scheduler";
import { SeededRandom } from "@reviewlens/seeded-random";

export interface DayTrafficOptions {
  readonly seed: number;
  readonly restaurants: number;
  /** New reviews over the whole day, all restaurants. */
  readonly reviewsPerDay: number;
  /** Relative review-writing rate for each hour 0-23. */
  readonly hourlyShape: readonly number[];
  readonly scheduleEveryMinutes: number;
  /** Restaurants per scheduler run at most. */
  readonly budget: number;
  readonly tiers: string;
  readonly analysisTypes: readonly string[];
  /** Analyses people ask for themselves over the day (following the same hours). */
  readonly interactivePerDay: number;
}

// Reviews are written after meals: lunch and dinner peaks, a quiet night (Seoul time, 0 = midnight).
export const RESTAURANT_HOURS = [0.5, 0.25, 0.1, 0.04, 0.03, 0.03, 0.08, 0.25, 0.5, 0.7, 0.9, 1.4, 2.2, 2.4, 1.7, 1.1, 0.9, 1.2, 2, 2.6, 2.8, 2.3, 1.5, 0.9];

export const defaultDayTraffic: DayTrafficOptions = {
  seed: 24,
  restaurants: 200,
  reviewsPerDay: 1_000,
  hourlyShape: RESTAURANT_HOURS,
  scheduleEveryMinutes: 10,
  budget: 50,
  tiers: DEFAULT_TIERS,
  analysisTypes: ["sentiment", "summary"],
  interactivePerDay: 60,
};

export interface PlannedAnalysis {
  /** Milliseconds after midnight. */
  readonly atMs: number;
  readonly source: "scheduler" | "interactive";
  readonly priority: "batch" | "interactive";
  readonly restaurantId: string;
  readonly analysisType: string;
}

export interface DayPlan {
  readonly analyses: readonly PlannedAnalysis[];
  /** The scheduler runs at every multiple of this from midnight (its CronJob's schedule). */
  readonly scheduleEveryMinutes: number;
  readonly reviewsWritten: number;
  readonly schedulerRuns: number;
  /** Scheduler runs that found something to analyse. */
  readonly runsWithWork: number;
}

const DAY_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;

export function planDay(options: DayTrafficOptions = defaultDayTraffic): DayPlan {
  if (options.hourlyShape.length !== 24) throw new Error(`hourlyShape needs 24 hourly weights, got ${options.hourlyShape.length}`);
  const random = new SeededRandom(options.seed);
  const tiers = parseTierTable(options.tiers);
  const shapeTotal = options.hourlyShape.reduce((a, b) => a + b, 0);
  // Long tail: a few busy restaurants, most quiet; counts accumulated over about a month.
  const popularity = Array.from({ length: options.restaurants }, () => 1 / Math.pow(1 - random.next() * 0.99, 1.1));
  const popularityTotal = popularity.reduce((a, b) => a + b, 0);
  const restaurants = popularity.map((p, i) => {
    const perDay = (options.reviewsPerDay * p) / popularityTotal;
    return { restaurantId: `r${String(i).padStart(4, "0")}`, perDay, reviewCount: Math.round(perDay * 30 * (0.2 + 0.8 * random.next())) + 1 };
  });

  // Review arrivals: per restaurant and hour, Poisson with the hour's share of its daily rate.
  const reviewTimes: Array<{ at: number; r: number }> = [];
  restaurants.forEach((restaurant, r) => {
    for (let hour = 0; hour < 24; hour++) {
      const expected = (restaurant.perDay * options.hourlyShape[hour]!) / shapeTotal;
      for (let n = poisson(random, expected); n > 0; n--) reviewTimes.push({ at: hour * HOUR_MS + random.next() * HOUR_MS, r });
    }
  });
  reviewTimes.sort((a, b) => a.at - b.at);

  // Yesterday every restaurant was analysed, at a random time, with the reviews it has now.
  const last = new Map<string, LastSuccess>();
  for (const r of restaurants) {
    for (const type of options.analysisTypes) last.set(`${r.restaurantId}/${type}`, { at: new Date(-random.next() * DAY_MS), reviewCount: r.reviewCount, vectorVersion: 1 });
  }

  const analyses: PlannedAnalysis[] = [];
  let next = 0;
  let schedulerRuns = 0;
  let runsWithWork = 0;
  const everyMs = options.scheduleEveryMinutes * 60_000;
  for (let tick = 0; tick < DAY_MS; tick += everyMs) {
    for (; next < reviewTimes.length && reviewTimes[next]!.at <= tick; next++) restaurants[reviewTimes[next]!.r]!.reviewCount++;
    const plan = planRun({
      restaurants: restaurants.map((r) => ({ restaurantId: r.restaurantId, reviewCount: r.reviewCount, vectorVersion: 1, drift: 0 })),
      analysisTypes: options.analysisTypes,
      lastSuccess: (id, type) => last.get(`${id}/${type}`),
      tiers,
      nowMs: tick,
      budget: options.budget,
    });
    schedulerRuns++;
    if (plan.chosen.length > 0) runsWithWork++;
    for (const chosen of plan.chosen) {
      for (const type of chosen.analysisTypes) {
        // A run's analyses go out within seconds of its start.
        analyses.push({ atMs: tick + random.next() * 5_000, source: "scheduler", priority: "batch", restaurantId: chosen.restaurantId, analysisType: type });
        last.set(`${chosen.restaurantId}/${type}`, { at: new Date(tick), reviewCount: chosen.reviewCount, vectorVersion: 1 });
      }
    }
  }

  // Interactive analyses: the hour by the same shape, the restaurant by popularity.
  for (let i = 0; i < options.interactivePerDay; i++) {
    const hour = weightedIndex(random, options.hourlyShape, shapeTotal);
    const r = weightedIndex(random, popularity, popularityTotal);
    analyses.push({
      atMs: hour * HOUR_MS + random.next() * HOUR_MS,
      source: "interactive",
      priority: "interactive",
      restaurantId: restaurants[r]!.restaurantId,
      analysisType: random.pick(options.analysisTypes),
    });
  }
  analyses.sort((a, b) => a.atMs - b.atMs);
  return { analyses, scheduleEveryMinutes: options.scheduleEveryMinutes, reviewsWritten: reviewTimes.length, schedulerRuns, runsWithWork };
}

/** Poisson-distributed count with mean `mean` (Knuth; the means here are small). */
function poisson(random: SeededRandom, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random.next(); p > limit; p *= random.next()) k++;
  return k;
}

function weightedIndex(random: SeededRandom, weights: readonly number[], total: number): number {
  let pick = random.next() * total;
  for (let i = 0; i < weights.length; i++) if ((pick -= weights[i]!) <= 0) return i;
  return weights.length - 1;
}
