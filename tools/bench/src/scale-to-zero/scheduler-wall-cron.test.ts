import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseScheduledRuns } from "@reviewlens/watchdog";
import { firstRunAtOrAfter, schedulerWallCron } from "./scheduler-wall-cron.js";

describe("the scheduler's runs as a wall-time cron expression", () => {
  it("at the bench's time scale, 10 virtual minutes are a run every 3 wall seconds", () => {
    assert.deepEqual(schedulerWallCron(10, 0.005), { expression: "*/3 * * * * *", periodMs: 3_000 });
    assert.deepEqual(schedulerWallCron(10, 0.5), { expression: "CRON_TZ=UTC 0 */5 * * * *", periodMs: 300_000 });
  });

  it("refuses a period no cron step repeats evenly", () => {
    assert.throws(() => schedulerWallCron(10, 0.007), /4\.2 wall seconds apart .*choose another time scale/);
    assert.throws(() => schedulerWallCron(10, 0.0115), /6\.9 wall seconds/);
  });

  for (const timeScale of [0.005, 0.5]) {
    it(`at time scale ${timeScale}, the day's ticks from the aligned start are the runs the watchdog reads from the expression`, () => {
      const cron = schedulerWallCron(10, timeScale);
      const runs = parseScheduledRuns([cron.expression]);
      const start = firstRunAtOrAfter(Date.UTC(2026, 11, 6, 9, 41, 7, 123), cron);
      assert.ok(start >= Date.UTC(2026, 11, 6, 9, 41, 7, 123));
      let at = start;
      for (let tick = 0; tick < 50; tick++) {
        assert.deepEqual(runs.around(at), { previous: at, next: at + cron.periodMs }, `tick ${tick}`);
        at += cron.periodMs;
      }
    });
  }
});
