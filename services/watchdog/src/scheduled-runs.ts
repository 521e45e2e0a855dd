// The work that comes on a schedule (WATCHDOG_SCHEDULED_RUNS: the scheduler's CronJobs), read with
// croner: when the last scheduled run began and when the next one will. Thin adapter; the rule that
// uses it is in scheduled-stop-rule.ts.
import { Cron } from "croner";

/** When scheduled work began last (at or before `now`) and will begin next (after `now`), epoch ms. */
export interface RunSchedule {
  readonly expressions: readonly string[];
  around(now: number): { previous?: number; next?: number };
}

export class ScheduledRunsError extends Error {
  constructor(
    readonly expression: string,
    detail: string,
  ) {
    super(`"${expression}" is not a cron schedule: ${detail}`);
    this.name = "ScheduledRunsError";
  }
}

// `CRON_TZ=Asia/Seoul 0 3 * * *`: cronie's prefix for a time zone of its own (a CronJob's timeZone).
const TIME_ZONE_PREFIX = /^CRON_TZ=(\S+)\s+(.*)$/;

/**
 * Cron expressions of 5 fields, or 6 with seconds first, each optionally behind `CRON_TZ=<IANA zone> `
 * (without: the process's local time, as cron reads them). Day of month and day of week match when
 * either does, as in Kubernetes CronJobs. Throws ScheduledRunsError naming the first bad expression.
 */
export function parseScheduledRuns(expressions: readonly string[]): RunSchedule {
  const crons = expressions.map((expression) => {
    const zoned = TIME_ZONE_PREFIX.exec(expression.trim());
    const [pattern, timezone] = zoned ? [zoned[2]!, zoned[1]!] : [expression.trim(), undefined];
    let cron: Cron;
    try {
      cron = new Cron(pattern, { mode: "5-or-6-parts", ...(timezone ? { timezone } : {}) });
      // A time zone is only looked up when a run is computed; an expression that never fires is no schedule.
      if (cron.nextRun() === null) throw new Error("it never fires");
    } catch (error) {
      throw new ScheduledRunsError(expression, (error instanceof Error ? error.message : String(error)).replace(/^Cron(Pattern|Date): /, ""));
    }
    return cron;
  });
  return {
    expressions,
    around(now) {
      let previous: number | undefined;
      let next: number | undefined;
      for (const cron of crons) {
        // previousRuns is strictly before the whole second of its date; runs fall on whole seconds, so
        // asking from the next second includes a run that began at `now`.
        const p = cron.previousRuns(1, new Date(Math.floor(now / 1_000) * 1_000 + 1_000))[0]?.getTime();
        const n = cron.nextRun(new Date(now))?.getTime();
        if (p !== undefined && (previous === undefined || p > previous)) previous = p;
        if (n !== undefined && (next === undefined || n < next)) next = n;
      }
      return { ...(previous !== undefined ? { previous } : {}), ...(next !== undefined ? { next } : {}) };
    },
  };
}
