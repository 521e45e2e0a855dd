// One check = read every signal, let the policy decide, log the decision, and act on a stop.
import type { Actuator } from "./actuators/actuator.js";
import type { Notifier } from "./adapters/webhook-notifier.js";
import type { IdlePolicy, Verdict } from "./idle-policy.js";
import type { CheckSignals, GpuSample, Reading, RequestLoad, Signal } from "./signals.js";
import type { WatchdogMetrics } from "./watchdog-metrics.js";

/** The part of the (pino) logger the watchdog uses: one JSON line per event. */
export interface EventLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    }),
};

export interface WatchdogParts {
  gpu?: Signal<readonly GpuSample[]> | undefined;
  gateway?: Signal<RequestLoad> | undefined;
  vllm: ReadonlyArray<Signal<RequestLoad>>;
  policy: IdlePolicy;
  actuator: Actuator;
  notifier?: Notifier | undefined;
  metrics: WatchdogMetrics;
  logger: EventLog;
  clock: Clock;
  dryRun: boolean;
  /** Dollars per hour of the watched GPU server; prices the time it stays stopped. */
  hourlyPriceDollars?: number | undefined;
}

export class Watchdog {
  private lastCheckAt: number | undefined;

  constructor(private readonly parts: WatchdogParts) {}

  /** Checks every `intervalMs` (measured from the start of each check) until the signal aborts. */
  async run(intervalMs: number, signal: AbortSignal): Promise<void> {
    const { clock } = this.parts;
    while (!signal.aborted) {
      const started = clock.now();
      await this.check(signal);
      await clock.sleep(Math.max(0, intervalMs - (clock.now() - started)), signal);
    }
  }

  async check(signal: AbortSignal): Promise<Verdict> {
    const { gpu, gateway, vllm, policy, clock, logger, metrics, dryRun } = this.parts;
    const [gpuReading, gatewayReading, ...vllmReadings] = await Promise.all([
      gpu?.read(signal),
      gateway?.read(signal),
      ...vllm.map((s) => s.read(signal)),
    ]);
    const signals: CheckSignals = {
      ...(gpuReading ? { gpu: gpuReading } : {}),
      ...(gatewayReading ? { gateway: gatewayReading } : {}),
      vllm: vllm.map((s, i) => ({ source: s.source, reading: vllmReadings[i] as Reading<RequestLoad> })),
    };
    const now = clock.now();
    const verdict = policy.evaluate(signals, now);
    if (verdict.decision === "stopped" && !dryRun && this.lastCheckAt !== undefined && this.parts.hourlyPriceDollars) {
      metrics.saved(((now - this.lastCheckAt) / 3_600_000) * this.parts.hourlyPriceDollars);
    }
    this.lastCheckAt = now;
    metrics.recordCheck(verdict);
    logger.info({ ...verdict, signals: describeSignals(signals), dryRun }, `decision: ${verdict.decision} (${verdict.reason})`);
    if (verdict.decision === "stop") await this.stop(verdict, signal);
    return verdict;
  }

  private async stop(verdict: Verdict, signal: AbortSignal): Promise<void> {
    const { actuator, notifier, policy, logger, metrics, dryRun, clock } = this.parts;
    if (notifier) {
      const notice = {
        target: actuator.target,
        reason: verdict.reason,
        idleCount: verdict.idleCount,
        idleLimit: verdict.idleLimit,
        thresholdPercent: verdict.thresholdPercent,
        dryRun,
        at: new Date(clock.now()).toISOString(),
      };
      // A broken webhook must not keep an idle GPU running: log it and stop anyway.
      await notifier.notifyStop(notice, signal).catch((error: unknown) => logger.warn({ err: errorText(error) }, "stop notification failed; stopping anyway"));
    }
    if (dryRun) {
      metrics.dryRunStop();
      // Behave as after a real stop, so a dry run logs each would-be stop once, as production would act.
      policy.stopSucceeded();
      logger.info({ target: actuator.target, dryRun }, `dry run: would stop ${actuator.target}`);
      return;
    }
    metrics.stopAttempted();
    logger.info({ target: actuator.target }, `stopping ${actuator.target}`);
    try {
      await actuator.stop(signal);
      policy.stopSucceeded();
      logger.info({ target: actuator.target }, `stopped ${actuator.target}`);
    } catch (error) {
      metrics.stopFailed();
      policy.stopFailed();
      logger.error({ target: actuator.target, err: errorText(error) }, `stop of ${actuator.target} failed; retrying at the next idle check`);
    }
  }
}

/** The signals as they go into the decision log line: values, or why a signal was unknown. */
function describeSignals(signals: CheckSignals) {
  const show = <T>(r: Reading<T>) => (r.known ? r.value : { unknown: r.reason });
  return {
    ...(signals.gpu ? { gpu: show(signals.gpu) } : {}),
    ...(signals.gateway ? { gateway: show(signals.gateway) } : {}),
    vllm: signals.vllm.map((v) => ({ source: v.source, ...(v.reading.known ? v.reading.value : { unknown: v.reading.reason }) })),
  };
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
