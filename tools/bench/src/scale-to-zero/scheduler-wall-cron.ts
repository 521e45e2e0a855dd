// The day's scheduler runs as the cron expression a user gives the watchdog (WATCHDOG_SCHEDULED_RUNS),
// in wall time: at the bench's time scale 10 virtual minutes are 3 wall seconds, so the expression is
// cron with a seconds field, and the day starts on the expression's grid so its ticks are the runs.

export interface WallCron {
  /** A real cron expression, as the watchdog reads it. */
  readonly expression: string;
  /** Wall milliseconds between runs. */
  readonly periodMs: number;
}

/** The cron expression that fires every `everyMinutes` virtual minutes at `timeScale`, if cron can say it. */
export function schedulerWallCron(everyMinutes: number, timeScale: number): WallCron {
  const periodMs = Math.round(everyMinutes * 60_000 * timeScale);
  const seconds = periodMs / 1_000;
  // A step repeats evenly only when it divides its field's range (60 seconds, 60 minutes).
  if (Number.isInteger(seconds) && seconds < 60 && 60 % seconds === 0) return { expression: `*/${seconds} * * * * *`, periodMs };
  const minutes = seconds / 60;
  if (Number.isInteger(minutes) && minutes < 60 && 60 % minutes === 0) return { expression: `CRON_TZ=UTC 0 */${minutes} * * * *`, periodMs };
  throw new Error(
    `the scheduler's runs every ${everyMinutes} virtual minutes are ${seconds} wall seconds apart at time scale ${timeScale}: no cron step repeats at that period (it must divide 60 s or 60 min); choose another time scale`,
  );
}

/** The first wall time (epoch ms) at or after `notBefore` that is a run of the expression (its grid counts from the whole hour, UTC). */
export function firstRunAtOrAfter(notBefore: number, cron: WallCron): number {
  return Math.ceil(notBefore / cron.periodMs) * cron.periodMs;
}
