// The three ways to run the GPU pool over the day, with the settings each runs with (virtual seconds;
// the runner scales them to wall time).

export type PolicyName = "always-on" | "stop-manual-wake" | "stop-auto-wake";

export interface Policy {
  readonly name: PolicyName;
  readonly label: string;
  /** GATEWAY_WAKEABLE: the gateway holds requests while the pool is at zero. */
  readonly wakeable: boolean;
  /** The watchdog, if one runs: its stop settings, whether it wakes the pool, and whether it is given the scheduler's runs (WATCHDOG_SCHEDULED_RUNS). */
  readonly watchdog?: { readonly idle: IdleSettings; readonly wake: boolean; readonly scheduledRuns?: boolean };
  /** Today's runbook: a person starts the pod this long after the first failed request. */
  readonly manualWakeAfterMinutes?: number;
}

export type IdleSettings =
  /** WATCHDOG_IDLE_LIMIT_CHECKS checks of WATCHDOG_CHECK_INTERVAL_S. */
  | { readonly kind: "limit"; readonly checkIntervalSeconds: number; readonly idleLimit: number; readonly minRuntimeSeconds: number }
  /** The idle limit from the cold start (WATCHDOG_COLD_START_S, WATCHDOG_PRICE_USD_PER_HOUR): break-even idle time. */
  | { readonly kind: "cold-start"; readonly checkIntervalSeconds: number; readonly coldStartSeconds: number; readonly minRuntimeSeconds: number };

export const HOURLY_PRICE = 1.5;
/** The design notes' cold start: pod start plus model load. */
export const COLD_START_SECONDS = 180;

export const POLICIES: readonly Policy[] = [
  { name: "always-on", label: "always on", wakeable: false },
  {
    name: "stop-manual-wake",
    label: "stop when idle, manual wake (today)",
    wakeable: false,
    // The watchdog's defaults: 5 idle checks of 60 s, 10 minutes of minimum runtime.
    watchdog: { idle: { kind: "limit", checkIntervalSeconds: 60, idleLimit: 5, minRuntimeSeconds: 600 }, wake: false },
    manualWakeAfterMinutes: 30,
  },
  {
    name: "stop-auto-wake",
    label: "stop when idle, knowing the scheduler's runs, automatic wake",
    wakeable: true,
    // The watchdog knows the scheduler's cron schedule: it stops at the first idle check when the next run is
    // further away than a cold start and stays when it is nearer; without it, it waits the cold start's
    // break-even idle time (docs/components/watchdog.md). With automatic wakes a started pod needs no longer
    // minimum runtime than its own cold start.
    watchdog: {
      idle: { kind: "cold-start", checkIntervalSeconds: 60, coldStartSeconds: COLD_START_SECONDS, minRuntimeSeconds: COLD_START_SECONDS },
      wake: true,
      scheduledRuns: true,
    },
  },
];

/** The watchdog's flags for these settings at `timeScale` (wall seconds). */
export function watchdogIdleFlags(idle: IdleSettings, timeScale: number): string[] {
  const s = (seconds: number) => String(seconds * timeScale);
  const common = [`--check-interval=${s(idle.checkIntervalSeconds)}`, `--min-runtime=${s(idle.minRuntimeSeconds)}`];
  return idle.kind === "limit" ? [...common, `--idle-limit=${idle.idleLimit}`] : [...common, `--cold-start-seconds=${s(idle.coldStartSeconds)}`, `--hourly-price=${HOURLY_PRICE}`];
}

export function describeIdle(idle: IdleSettings, scheduledRuns: boolean): string {
  if (scheduledRuns && idle.kind === "cold-start") {
    return `given the scheduler's runs (WATCHDOG_SCHEDULED_RUNS, a wall-time cron), stop at the first idle check when the next run is more than the ${idle.coldStartSeconds} s cold start away, stay when it is nearer; checks of ${idle.checkIntervalSeconds} s, min runtime ${idle.minRuntimeSeconds} s`;
  }
  return idle.kind === "limit"
    ? `stop after ${idle.idleLimit} idle checks of ${idle.checkIntervalSeconds} s, min runtime ${idle.minRuntimeSeconds} s`
    : `stop after the cold start's break-even (${idle.coldStartSeconds} s at $${HOURLY_PRICE}/h: ${Math.ceil(idle.coldStartSeconds / idle.checkIntervalSeconds)} checks of ${idle.checkIntervalSeconds} s), min runtime ${idle.minRuntimeSeconds} s`;
}
