// The watchdog's rules, as plain domain code: when is the GPU server idle, and when is it time to stop it.
import type { IdleThreshold } from "./idle-threshold.js";
import type { RunSchedule } from "./scheduled-runs.js";
import { judgeScheduledStop } from "./scheduled-stop-rule.js";
import type { CheckSignals, Reading, RequestLoad } from "./signals.js";

export interface IdlePolicyOptions {
  /** Consecutive idle checks before a stop. */
  idleLimit: number;
  /** No stop before the watched server has run this long (since the watchdog started or saw it come back). */
  minRuntimeMs: number;
  threshold: IdleThreshold;
  /**
   * Work that comes on a schedule (WATCHDOG_SCHEDULED_RUNS): when set, an idle server stops at the
   * first idle check if the next run is further away than a cold start, and stays if it is nearer,
   * instead of counting to `idleLimit` (scheduled-stop-rule.ts).
   */
  schedule?: { runs: RunSchedule; coldStartMs: number; checkIntervalMs: number } | undefined;
}

/**
 * - stop: idle for `idleLimit` checks in a row and past the minimum runtime: act now.
 * - idle: idle, but not yet long enough (or not yet past the minimum runtime).
 * - busy: something is in flight, queued, finished since the last check, or the GPU is above the threshold.
 * - unknown: a signal could not be read; the count starts over (unknown is never idle).
 * - stopped: the server was stopped and nothing has asked for it since; nothing to do.
 * - resumed: activity after a stop, or signals that went dark answer again: the server is back, the
 *   runtime clock and the count start over.
 */
export type Decision = "stop" | "idle" | "busy" | "unknown" | "stopped" | "resumed";

/** What the check saw, summed over sources (only the known ones). */
export interface Activity {
  gpuUtilizationPercent?: number;
  inFlight: number;
  queued: number;
  requestsSinceLastCheck: number;
}

export interface Verdict {
  decision: Decision;
  reason: string;
  idleCount: number;
  idleLimit: number;
  thresholdPercent: number;
  runtimeSeconds: number;
  activity: Activity;
  /** The next scheduled run (epoch ms), when a schedule is configured and has one. */
  nextScheduledRunAt?: number | undefined;
}

export class IdlePolicy {
  private idleCount = 0;
  private runningSince: number;
  private stopped = false;
  /** While stopped: a signal went unknown (the server is down), so its answering again means it is back. */
  private wentDark = false;
  /** Last value of each monotonic request counter, by source, to count requests since the last check. */
  private readonly counters = new Map<string, number>();

  constructor(
    private readonly options: IdlePolicyOptions,
    startedAt: number,
  ) {
    this.runningSince = startedAt;
  }

  /** Judges one check. Call `stopSucceeded`/`stopFailed` after acting on a "stop". */
  evaluate(signals: CheckSignals, now: number): Verdict {
    const thresholdPercent = this.options.threshold.current();
    const unknowns: string[] = [];
    const busy: string[] = [];
    const activity: Activity = { inFlight: 0, queued: 0, requestsSinceLastCheck: 0 };

    if (signals.gpu) {
      const gpu = signals.gpu;
      if (!gpu.known) unknowns.push(`gpu: ${gpu.reason}`);
      else if (gpu.value.length === 0) unknowns.push("gpu: no GPU reported");
      else {
        const busiest = Math.max(...gpu.value.map((g) => g.utilizationPercent));
        activity.gpuUtilizationPercent = busiest;
        this.options.threshold.observe(busiest);
        if (busiest >= thresholdPercent) busy.push(`gpu utilisation ${busiest}% >= ${round(thresholdPercent)}%`);
      }
    }
    if (signals.gateway) {
      this.readLoad("gateway", signals.gateway, unknowns, busy, activity);
    }
    for (const replica of signals.vllm) {
      this.readLoad(`vllm ${replica.source}`, replica.reading, unknowns, busy, activity);
    }

    const { schedule } = this.options;
    const around = schedule?.runs.around(now);
    const verdict = (decision: Decision, reason: string): Verdict => ({
      decision,
      reason,
      idleCount: this.idleCount,
      idleLimit: this.options.idleLimit,
      thresholdPercent: round(thresholdPercent),
      runtimeSeconds: round((now - this.runningSince) / 1000),
      activity,
      ...(around?.next !== undefined ? { nextScheduledRunAt: around.next } : {}),
    });

    if (this.stopped) {
      // Back when something asks for it, or when its signals answer again after going dark
      // (restarted by hand, idle or not: it must be watched again from a fresh runtime).
      const back = busy.length > 0 ? `activity after the stop: ${busy.join("; ")}` : this.wentDark && unknowns.length === 0 ? "the server answers again after the stop" : undefined;
      if (back === undefined) {
        if (unknowns.length > 0) this.wentDark = true;
        return verdict("stopped", unknowns.length > 0 ? `stopped; ${unknowns.join("; ")}` : "stopped; no activity since");
      }
      this.stopped = false;
      this.runningSince = now;
      this.idleCount = 0;
      return verdict("resumed", back);
    }
    if (busy.length > 0) {
      this.idleCount = 0;
      return verdict("busy", busy.join("; "));
    }
    if (unknowns.length > 0) {
      this.idleCount = 0;
      return verdict("unknown", unknowns.join("; "));
    }
    this.idleCount += 1;
    // With a known schedule the next run, not the count of idle checks, says whether a stop pays.
    const scheduled = schedule && around ? judgeScheduledStop({ now, ...around, coldStartMs: schedule.coldStartMs, checkIntervalMs: schedule.checkIntervalMs }) : undefined;
    if (scheduled && !scheduled.stop) return verdict("idle", `idle for ${checks(this.idleCount)}; ${scheduled.reason}`);
    if (!scheduled && this.idleCount < this.options.idleLimit) return verdict("idle", `idle ${this.idleCount} of ${this.options.idleLimit} checks`);
    const runtimeMs = now - this.runningSince;
    if (runtimeMs < this.options.minRuntimeMs) {
      const why = scheduled ? "a stop would pay" : "idle limit reached";
      return verdict("idle", `${why}, but the minimum runtime has not passed (${round(runtimeMs / 1000)} s of ${round(this.options.minRuntimeMs / 1000)} s)`);
    }
    if (scheduled) return verdict("stop", `idle for ${checks(this.idleCount)}; ${scheduled.reason}`);
    return verdict("stop", `idle for ${this.idleCount} consecutive checks (limit ${this.options.idleLimit})`);
  }

  /** The stop went through: wait for activity before judging again. */
  stopSucceeded(): void {
    this.stopped = true;
    this.wentDark = false;
    this.idleCount = 0;
  }

  /** The stop failed: the count stays, so the next idle check tries again. */
  stopFailed(): void {}

  private readLoad(source: string, reading: Reading<RequestLoad>, unknowns: string[], busy: string[], activity: Activity): void {
    if (!reading.known) {
      unknowns.push(`${source}: ${reading.reason}`);
      return;
    }
    const { inFlight, queued, requestsTotal: total } = reading.value;
    activity.inFlight += inFlight;
    activity.queued += queued;
    if (inFlight > 0) busy.push(`${source}: ${inFlight} in flight`);
    if (queued > 0) busy.push(`${source}: ${queued} queued`);
    const previous = this.counters.get(source);
    this.counters.set(source, total);
    if (previous === undefined) {
      unknowns.push(`${source}: first reading, no baseline for requests since the last check`);
      return;
    }
    // A counter that went down means the source restarted: everything it counted since is new.
    const since = total >= previous ? total - previous : total;
    activity.requestsSinceLastCheck += since;
    if (since > 0) busy.push(`${source}: ${since} requests since the last check`);
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
const checks = (n: number) => `${n} consecutive check${n === 1 ? "" : "s"}`;
