import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultDayTraffic, planDay } from "./day-traffic.js";

const HOUR = 3_600_000;

test("the same seed plans the same day", () => {
  assert.deepEqual(planDay({ ...defaultDayTraffic, restaurants: 40 }), planDay({ ...defaultDayTraffic, restaurants: 40 }));
});

test("the scheduler's analyses come in bursts at its runs, batch class, at most its budget of restaurants per run", () => {
  const options = { ...defaultDayTraffic, restaurants: 60, budget: 5 };
  const { analyses } = planDay(options);
  const scheduled = analyses.filter((a) => a.source === "scheduler");
  assert.ok(scheduled.length > 0);
  const runs = new Map<number, Set<string>>();
  for (const a of scheduled) {
    const run = Math.floor(a.atMs / (options.scheduleEveryMinutes * 60_000));
    assert.ok(a.atMs - run * options.scheduleEveryMinutes * 60_000 < 5_000, "within seconds of its run");
    assert.equal(a.priority, "batch");
    runs.set(run, (runs.get(run) ?? new Set()).add(a.restaurantId));
  }
  for (const restaurants of runs.values()) assert.ok(restaurants.size <= 5);
});

test("without new reviews there is nothing to re-analyse: a night without reviews is idle but for people's own calls", () => {
  const quietNight = defaultDayTraffic.hourlyShape.map((w, h) => (h >= 1 && h < 7 ? 0 : w));
  const { analyses } = planDay({ ...defaultDayTraffic, hourlyShape: quietNight });
  // Reviews written before 01:00 are picked up by runs up to the longest tier interval (60 min) later.
  const night = analyses.filter((a) => a.atMs >= 2.1 * HOUR && a.atMs < 7 * HOUR);
  assert.ok(night.every((a) => a.source === "interactive"), night.map((a) => `${a.source}@${a.atMs}`).join(","));
});

test("interactive analyses are sparse, of the configured number, and follow the hours of the day", () => {
  const { analyses } = planDay({ ...defaultDayTraffic, interactivePerDay: 500 });
  const interactive = analyses.filter((a) => a.source === "interactive");
  assert.equal(interactive.length, 500);
  assert.ok(interactive.every((a) => a.priority === "interactive"));
  const at = (from: number, to: number) => interactive.filter((a) => a.atMs >= from * HOUR && a.atMs < to * HOUR).length;
  assert.ok(at(19, 21) > 5 * at(3, 5), `${at(19, 21)} around dinner, ${at(3, 5)} before dawn`);
});

test("refuses an hourly shape that is not 24 hours long", () => {
  assert.throws(() => planDay({ ...defaultDayTraffic, hourlyShape: [1, 2, 3] }), /24 hourly weights/);
});
