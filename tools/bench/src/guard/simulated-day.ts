// A simulated day of the three layers on virtual time: long-tailed review traffic, a scheduler run
// every SCHEDULE_EVERY minutes, and interactive client calls with bursts of duplicates. It uses the
// real planner (run-plan.ts), the real SKIP decision and the real in-process lock on a virtual clock,
// and counts the analyses each layer saved against a naive system (a cron re-analysing every
// restaurant every run and every client call reaching the LLM).
import { createMemoryLock, decideSkip, lockKey } from "@reviewlens/analysis-guard";
import { DEFAULT_TIERS, parseTierTable, planRun, type LastSuccess, type RestaurantSnapshot } from "@reviewlens/scheduler";

export interface DayOptions {
  readonly restaurants: number;
  readonly seed: number;
  readonly scheduleEveryMinutes: number;
  readonly budget: number;
  readonly tiers: string;
  /** Interactive analyse calls per restaurant-review-rate unit per day. */
  readonly clientCallsPerDay: number;
  /** Probability a client call comes with duplicates (double clicks, retries, several users). */
  readonly duplicateProbability: number;
  readonly maxDuplicates: number;
  readonly analysisSeconds: number;
  readonly skipMinIntervalSeconds: number;
  /** LLM requests per analysis (prompt batches), to turn analyses into LLM calls. */
  readonly llmRequestsPerAnalysis: number;
}

export const defaultDay: DayOptions = {
  restaurants: 300,
  seed: 7,
  scheduleEveryMinutes: 10,
  budget: 50,
  tiers: DEFAULT_TIERS,
  clientCallsPerDay: 3_000,
  duplicateProbability: 0.3,
  maxDuplicates: 4,
  analysisSeconds: 2,
  skipMinIntervalSeconds: 3600,
  llmRequestsPerAnalysis: 4,
};

export interface DayReport {
  readonly options: DayOptions;
  readonly reviewsAdded: number;
  readonly schedulerRuns: number;
  readonly clientCalls: number;
  readonly naive: { readonly analyses: number; readonly llmCalls: number };
  readonly actual: { readonly analyses: number; readonly llmCalls: number; readonly scheduled: number; readonly interactive: number };
  readonly saved: {
    readonly byScheduler: number;
    readonly bySkip: number;
    readonly byLock: number;
    readonly analyses: number;
    readonly llmCalls: number;
    readonly share: number;
  };
}

/** mulberry32: small, seeded, good enough for traffic shapes. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Event =
  | { at: number; kind: "review"; r: number }
  | { at: number; kind: "tick" }
  | { at: number; kind: "call"; r: number }
  | { at: number; kind: "done"; r: number; seen: { reviewCount: number; vectorVersion: number } };

interface Restaurant {
  readonly id: string;
  reviewCount: number;
  vectorVersion: number;
  drift: number;
  last: LastSuccess | undefined;
  lease: Awaited<ReturnType<ReturnType<typeof createMemoryLock>["acquire"]>> | undefined;
}

export async function simulateDay(options: DayOptions = defaultDay): Promise<DayReport> {
  const random = rng(options.seed);
  const day = 24 * 3600_000;
  const start = Date.parse("2026-01-01T00:00:00Z");
  let now = start;
  const lock = createMemoryLock(() => now);
  const tiers = parseTierTable(options.tiers);

  // Long tail: review rate per restaurant ~ Pareto (a few busy, most quiet); counts grown for months.
  const rates = Array.from({ length: options.restaurants }, () => 0.5 / Math.pow(1 - random() * 0.999, 1.2));
  const totalRate = rates.reduce((a, b) => a + b, 0);
  const restaurants: Restaurant[] = rates.map((rate, i) => ({
    id: `r${String(i).padStart(4, "0")}`,
    reviewCount: Math.round(rate * 20 * random()) + 1,
    vectorVersion: 1,
    drift: 0,
    // Yesterday's analyses: every restaurant starts analysed at a random time of the day before.
    last: undefined,
    lease: undefined,
  }));
  for (const r of restaurants) r.last = { at: new Date(start - random() * day), reviewCount: r.reviewCount, vectorVersion: r.vectorVersion };

  const events: Event[] = [];
  const exp = (mean: number) => -Math.log(1 - random()) * mean;
  rates.forEach((rate, r) => {
    for (let t = start + exp(day / rate); t < start + day; t += exp(day / rate)) events.push({ at: t, kind: "review", r });
  });
  for (let t = start; t < start + day; t += options.scheduleEveryMinutes * 60_000) events.push({ at: t, kind: "tick" });
  // Client calls follow popularity (review rate); some come with near-simultaneous duplicates.
  for (let i = 0; i < options.clientCallsPerDay; i++) {
    let pick = random() * totalRate;
    let r = 0;
    while (r < rates.length - 1 && (pick -= rates[r]!) > 0) r++;
    const at = start + random() * day;
    events.push({ at, kind: "call", r });
    if (random() < options.duplicateProbability) {
      const n = 1 + Math.floor(random() * options.maxDuplicates);
      for (let d = 0; d < n; d++) events.push({ at: at + random() * options.analysisSeconds * 1000 * 0.9, kind: "call", r });
    }
  }
  const queue = events.sort((a, b) => a.at - b.at);
  const push = (e: Event) => {
    let i = queue.findIndex((q) => q.at > e.at);
    if (i < 0) i = queue.length;
    queue.splice(i, 0, e);
  };

  let reviewsAdded = 0;
  let schedulerRuns = 0;
  let clientCalls = 0;
  let naiveCron = 0;
  let chosen = 0;
  let scheduled = 0;
  let interactive = 0;
  let byLock = 0;
  let bySkip = 0;

  // The guard's order: lock -> SKIP -> run. Returns whether an analysis started.
  async function analyse(r: Restaurant): Promise<"ran" | "locked" | "skipped"> {
    const got = await lock.acquire(lockKey("", r.id, "sentiment"), options.analysisSeconds * 1000 + 30_000);
    if (!got.acquired) return "locked";
    const version = { reviewCount: r.reviewCount, vectorVersion: r.vectorVersion };
    const state = r.last && {
      restaurantId: r.id, analysisType: "sentiment", lastSuccessAt: r.last.at, lastAttemptAt: r.last.at,
      reviewCount: r.last.reviewCount, vectorVersion: r.last.vectorVersion, fencing: 0, lastResult: {},
    };
    const skip = decideSkip({ state, version, force: false, nowMs: now, minIntervalSeconds: options.skipMinIntervalSeconds });
    if (skip.skip) {
      await lock.release(got.lease);
      return "skipped";
    }
    r.lease = got;
    push({ at: now + options.analysisSeconds * 1000, kind: "done", r: restaurants.indexOf(r), seen: version });
    return "ran";
  }

  for (let e = queue.shift(); e; e = queue.shift()) {
    now = e.at;
    const r = e.kind === "tick" ? undefined : restaurants[e.r]!;
    if (e.kind === "review" && r) {
      reviewsAdded++;
      r.reviewCount++;
      r.vectorVersion++;
      r.drift = (0.3 + random()) / r.reviewCount; // one review moves a small restaurant's mean more
    } else if (e.kind === "done" && r) {
      r.last = { at: new Date(now), ...e.seen };
      if (r.lease?.acquired) await lock.release(r.lease.lease);
      r.lease = undefined;
    } else if (e.kind === "call" && r) {
      clientCalls++;
      const outcome = await analyse(r);
      if (outcome === "ran") interactive++;
      else if (outcome === "locked") byLock++;
      else bySkip++;
    } else if (e.kind === "tick") {
      schedulerRuns++;
      naiveCron += restaurants.length;
      const snapshot: RestaurantSnapshot[] = restaurants.map((x) => ({ restaurantId: x.id, reviewCount: x.reviewCount, vectorVersion: x.vectorVersion, drift: x.drift }));
      const byId = new Map(restaurants.map((x) => [x.id, x]));
      const plan = planRun({ restaurants: snapshot, analysisTypes: ["sentiment"], lastSuccess: (id) => byId.get(id)!.last, tiers, nowMs: now, budget: options.budget });
      chosen += plan.chosen.length;
      for (const c of plan.chosen) {
        const outcome = await analyse(byId.get(c.restaurantId)!);
        if (outcome === "ran") scheduled++;
        else if (outcome === "locked") byLock++;
        else bySkip++;
      }
    }
  }

  const naiveAnalyses = naiveCron + clientCalls;
  const actualAnalyses = scheduled + interactive;
  const saved = naiveAnalyses - actualAnalyses;
  return {
    options,
    reviewsAdded,
    schedulerRuns,
    clientCalls,
    naive: { analyses: naiveAnalyses, llmCalls: naiveAnalyses * options.llmRequestsPerAnalysis },
    actual: { analyses: actualAnalyses, llmCalls: actualAnalyses * options.llmRequestsPerAnalysis, scheduled, interactive },
    saved: {
      // Scheduler: the cron's re-analyses it did not choose; SKIP and lock: calls (client calls and
      // scheduler picks) they answered without a run. The three add up to the analyses saved.
      byScheduler: naiveCron - chosen,
      bySkip,
      byLock,
      analyses: saved,
      llmCalls: saved * options.llmRequestsPerAnalysis,
      share: naiveAnalyses === 0 ? 0 : saved / naiveAnalyses,
    },
  };
}
