// The stop rule when the work to come is known (the scheduler's CronJobs), as plain domain code.
//
// The break-even rule (cold-start-idle-limit.ts) waits one cold start of idle time before a stop,
// because future arrivals are unknown. A scheduled run is not unknown: with the next one at T and a
// cold start C, a stop at t saves T - t of GPU time and costs one restart (C), so it pays exactly
// when T - t > C; and then it pays most now, at the first idle check, not after more idle checks.

export interface ScheduledStopInput {
  now: number;
  /** The last scheduled run at or before `now` (epoch ms), if any. */
  previous?: number | undefined;
  /** The next scheduled run after `now` (epoch ms), if any. */
  next?: number | undefined;
  coldStartMs: number;
  checkIntervalMs: number;
}

export interface ScheduledStop {
  /** Stopping now costs less than staying; false: stay (the reason says why). */
  stop: boolean;
  reason: string;
}

export function judgeScheduledStop(input: ScheduledStopInput): ScheduledStop {
  const { now, previous, next, coldStartMs, checkIntervalMs } = input;
  // A run that began less than a check ago may not have sent its work yet (a CronJob's pod starts,
  // reads its database, then sends): an idle check right after it says nothing about its work.
  if (previous !== undefined && now - previous < checkIntervalMs) {
    return { stop: false, reason: `the scheduled run at ${at(previous)} began ${seconds(now - previous)} ago, less than one check interval: its work may still be on its way` };
  }
  if (next === undefined) return { stop: true, reason: "no scheduled run to come: stopping now costs less than staying" };
  const until = next - now;
  if (until <= coldStartMs) {
    return {
      stop: false,
      reason: `the next scheduled run is in ${seconds(until)} (${at(next)}), within the ${seconds(coldStartMs)} cold start: staying until it costs less than the restart it would need`,
    };
  }
  return {
    stop: true,
    reason: `the next scheduled run is in ${seconds(until)} (${at(next)}), more than the ${seconds(coldStartMs)} cold start: stopping now costs less than staying`,
  };
}

const at = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
