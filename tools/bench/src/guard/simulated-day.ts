// A simulated day of the three layers on virtual time: long-tailed review traffic, a scheduler run
// every SCHEDULE_EVERY minutes, and interactive client calls with bursts of duplicates. It uses the
// scheduler's real planner and every analysis goes through the real analysis guard (lock -> SKIP ->
// run, the in-process lock, analysis_state in memory) on a virtual clock; it counts the analyses each
// layer saved against a naive system (a cron re-analysing every restaurant every run and every client
// call reaching the LLM).
import { createAnalysisGuard, createMemoryLock, type AnalysisRun } from "@reviewlens/analysis-guard";
import { MemoryStateStore } from "@reviewlens/analysis-guard/testing";
import { AlreadyRunningError, createLogger } from "@reviewlens/runtime";
import { DEFAULT_TIERS, parseTierTable, planRun, type LastSuccess, type RestaurantSnapshot } from "@reviewlens/scheduler";
import { SeededRandom } from "@reviewlens/seeded-random";

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

type Event =
  | { at: number; kind: "review"; r: number }
  | { at: number; kind: "tick" }
  | { at: number; kind: "call"; r: number }
  /** A running analysis ends: its result is stored and its lock released. */
  | { at: number; kind: "done"; finish: () => Promise<void> }
  /** The guard's lock renewal, on the virtual clock. */
  | { at: number; kind: "timer"; fire: () => void };

interface Restaurant {
  readonly id: string;
  reviewCount: number;
  vectorVersion: number;
  drift: number;
}

const ANALYSIS = "sentiment";

export async function simulateDay(options: DayOptions = defaultDay): Promise<DayReport> {
  const seeded = new SeededRandom(options.seed);
  const random = () => seeded.next();
  const day = 24 * 3600_000;
  const start = Date.parse("2026-01-01T00:00:00Z");
  let now = start;
  const tiers = parseTierTable(options.tiers);
  const store = new MemoryStateStore();

  // Long tail: review rate per restaurant ~ Pareto (a few busy, most quiet); counts grown for months.
  const rates = Array.from({ length: options.restaurants }, () => 0.5 / Math.pow(1 - random() * 0.999, 1.2));
  const totalRate = rates.reduce((a, b) => a + b, 0);
  const restaurants: Restaurant[] = rates.map((rate, i) => ({
    id: `r${String(i).padStart(4, "0")}`,
    reviewCount: Math.round(rate * 20 * random()) + 1,
    vectorVersion: 1,
    drift: 0,
  }));
  // Yesterday's analyses: every restaurant starts analysed at a random time of the day before.
  for (const r of restaurants) {
    const at = new Date(start - random() * day);
    await store.writeAnalysisState({ restaurantId: r.id, analysisType: ANALYSIS, fencing: 0, attemptAt: at, success: { at, reviewCount: r.reviewCount, vectorVersion: r.vectorVersion, result: {} } });
  }

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

  /** setInterval on the virtual clock: the next tick is an event; stop takes it out of the queue. */
  const every = (everyMs: number, tick: () => void) => {
    let pending: Event | undefined;
    const arm = () => push((pending = { at: now + everyMs, kind: "timer", fire: () => (tick(), arm()) }));
    arm();
    return () => {
      const i = pending ? queue.indexOf(pending) : -1;
      if (i >= 0) queue.splice(i, 1);
    };
  };
  const guard = createAnalysisGuard({
    lock: createMemoryLock(() => now),
    store,
    logger: createLogger("simulated-day", "warn"),
    skipMinIntervalSeconds: options.skipMinIntervalSeconds,
    lockTtlMs: options.analysisSeconds * 1000 + 30_000,
    now: () => now,
    every,
  });

  /**
   * One analysis call through the guard. Resolves once the guard has decided: "ran" when the analysis
   * started (it takes analysisSeconds, then a "done" event stores its result and frees the lock),
   * "skipped" (SKIP answered from the stored result) or "locked" (ALREADY_EXISTS: one is running).
   */
  function analyse(r: Restaurant): Promise<"ran" | "locked" | "skipped"> {
    const version = { reviewCount: r.reviewCount, vectorVersion: r.vectorVersion };
    return new Promise((decided, failed) => {
      const outcome = guard.run({ restaurantId: r.id, analysisType: ANALYSIS, version }, () => {
        decided("ran");
        return new Promise<AnalysisRun<object>>((complete) =>
          push({
            at: now + options.analysisSeconds * 1000,
            kind: "done",
            finish: async () => {
              complete({ result: {} });
              await outcome;
            },
          }),
        );
      });
      outcome.then(
        (o) => (o.status === "SKIPPED" ? decided("skipped") : o.status === "FAILED" ? failed(o.error) : undefined),
        (error: unknown) => (error instanceof AlreadyRunningError ? decided("locked") : failed(error)),
      );
    });
  }

  /** The last success of each restaurant, as the scheduler reads it from analysis_state. */
  async function lastSuccesses(): Promise<Map<string, LastSuccess>> {
    const out = new Map<string, LastSuccess>();
    for (const x of restaurants) {
      const state = await store.getAnalysisState(x.id, ANALYSIS);
      if (state?.lastSuccessAt && state.reviewCount !== undefined && state.vectorVersion !== undefined) {
        out.set(x.id, { at: state.lastSuccessAt, reviewCount: state.reviewCount, vectorVersion: state.vectorVersion });
      }
    }
    return out;
  }

  for (let e = queue.shift(); e; e = queue.shift()) {
    now = e.at;
    const r = e.kind === "review" || e.kind === "call" ? restaurants[e.r]! : undefined;
    if (e.kind === "timer") e.fire();
    else if (e.kind === "done") await e.finish();
    else if (e.kind === "review" && r) {
      reviewsAdded++;
      r.reviewCount++;
      r.vectorVersion++;
      r.drift = (0.3 + random()) / r.reviewCount; // one review moves a small restaurant's mean more
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
      const last = await lastSuccesses();
      const plan = planRun({ restaurants: snapshot, analysisTypes: [ANALYSIS], lastSuccess: (id) => last.get(id), tiers, nowMs: now, budget: options.budget });
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
