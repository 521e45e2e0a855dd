import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseScheduledRuns, ScheduledRunsError } from "./scheduled-runs.js";

const utc = (iso: string) => Date.parse(`${iso}Z`);

describe("parseScheduledRuns (croner)", () => {
  it("merges several schedules: the latest run at or before now, the earliest after it", () => {
    // The scheduler chart's two CronJobs: sentiment every 10 minutes, summary 5 minutes later.
    const runs = parseScheduledRuns(["CRON_TZ=UTC */10 * * * *", "CRON_TZ=UTC 5-59/10 * * * *"]);
    assert.deepEqual(runs.around(utc("2026-03-01T12:03:00")), { previous: utc("2026-03-01T12:00:00"), next: utc("2026-03-01T12:05:00") });
    assert.deepEqual(runs.around(utc("2026-03-01T12:07:30")), { previous: utc("2026-03-01T12:05:00"), next: utc("2026-03-01T12:10:00") });
    // A run starting exactly now is the previous one, not the next.
    assert.deepEqual(runs.around(utc("2026-03-01T12:05:00")), { previous: utc("2026-03-01T12:05:00"), next: utc("2026-03-01T12:10:00") });
    assert.deepEqual(runs.around(utc("2026-03-01T12:05:00.400")), { previous: utc("2026-03-01T12:05:00"), next: utc("2026-03-01T12:10:00") });
  });

  it("takes six fields with seconds first", () => {
    const runs = parseScheduledRuns(["CRON_TZ=UTC */3 * * * * *"]);
    assert.deepEqual(runs.around(utc("2026-03-01T12:00:04")), { previous: utc("2026-03-01T12:00:03"), next: utc("2026-03-01T12:00:06") });
  });

  it("reads a CRON_TZ prefix as the schedule's time zone (a CronJob's timeZone)", () => {
    const runs = parseScheduledRuns(["CRON_TZ=Asia/Seoul 0 3 * * *"]);
    // 03:00 in Seoul (UTC+9, no daylight saving) is 18:00 UTC the day before.
    assert.equal(runs.around(utc("2026-03-01T12:00:00")).next, utc("2026-03-01T18:00:00"));
  });

  it("refuses a bad expression, naming it", () => {
    for (const [expression, detail] of [
      ["61 * * * *", /minute/],
      ["every ten minutes", /five, six/],
      ["0 0 0 1 1 * 2030", /5 or 6 parts/],
      ["CRON_TZ=Mars/Olympus * * * * *", /Mars\/Olympus/],
      ["0 0 30 2 *", /never fires/],
    ] as const) {
      assert.throws(
        () => parseScheduledRuns(["*/10 * * * *", expression]),
        (error: unknown) => error instanceof ScheduledRunsError && error.expression === expression && error.message.startsWith(`"${expression}" is not a cron schedule`) && detail.test(error.message),
        expression,
      );
    }
  });
});
