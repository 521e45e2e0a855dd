// One check = read every signal, let the policies decide, log the decision, and act on a stop or a wake.
import type { Actuator } from "./actuators/actuator.js";
import type { Notifier } from "./adapters/webhook-notifier.js";
import type { CheckVerdict } from "./check-verdict.js";
import type { IdlePolicy } from "./idle-policy.js";
import { heldForWake, sumLoads, type CheckSignals, type GpuSample, type Reading, type ReplicaSignal, type RequestLoad, type Signal } from "./signals.js";
import type { WakePolicy } from "./wake-policy.js";
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
  /** Every gateway (each may stand for several replicas, read one by one); none when only vLLM is watched. */
  gateways: ReadonlyArray<ReplicaSignal<RequestLoad>>;
  vllm: ReadonlyArray<Signal<RequestLoad>>;
  policy: IdlePolicy;
  /** Set when the watchdog also wakes the pool (WATCHDOG_WAKE). */
  wake?: WakePolicy | undefined;
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

  async check(signal: AbortSignal): Promise<CheckVerdict> {
    const { gpu, gateways, vllm, policy, clock, logger, metrics, dryRun } = this.parts;
    const [gpuReading, gatewayLoads, vllmLoads] = await Promise.all([
      gpu?.read(signal),
      Promise.all(gateways.map((g) => g.read(signal))).then((perGateway) => perGateway.flat()),
      Promise.all(vllm.map(async (s) => ({ source: s.source, reading: await s.read(signal) }))),
    ]);
    const signals: CheckSignals = {
      ...(gpuReading ? { gpu: gpuReading } : {}),
      ...(gateways.length > 0 ? { gateway: sumLoads(gatewayLoads) } : {}),
      vllm: vllmLoads,
    };
    const now = clock.now();
    const idle = policy.evaluate(signals, now);
    const wake = this.parts.wake?.evaluate(heldForWake(gatewayLoads), now);
    // Waking, or waiting for a wake, is what the check did; the idle policy saw held requests as busy.
    const verdict: CheckVerdict =
      wake && wake.decision !== "none" ? { ...idle, decision: wake.decision, reason: wake.reason, heldForWake: wake.heldForWake } : { ...idle, heldForWake: wake?.heldForWake };
    if (verdict.decision === "stopped" && !dryRun && this.lastCheckAt !== undefined && this.parts.hourlyPriceDollars) {
      metrics.saved(((now - this.lastCheckAt) / 3_600_000) * this.parts.hourlyPriceDollars);
    }
    this.lastCheckAt = now;
    metrics.recordCheck(verdict);
    logger.info({ ...verdict, signals: describeSignals(signals), dryRun }, `decision: ${verdict.decision} (${verdict.reason})`);
    if (verdict.decision === "stop") await this.stop(verdict, signal);
    if (verdict.decision === "wake") await this.wake(verdict, signal);
    return verdict;
  }

  private async wake(verdict: CheckVerdict, signal: AbortSignal): Promise<void> {
    const { actuator, notifier, logger, metrics, dryRun, clock } = this.parts;
    const policy = this.parts.wake!;
    if (notifier) {
      const notice = { target: actuator.target, reason: verdict.reason, heldForWake: verdict.heldForWake ?? 0, dryRun, at: new Date(clock.now()).toISOString() };
      // Callers are waiting: a broken webhook must not keep the pool cold.
      await notifier.notifyWake(notice, signal).catch((error: unknown) => logger.warn({ err: errorText(error) }, "wake notification failed; starting anyway"));
    }
    if (dryRun) {
      metrics.dryRunWake();
      policy.wakeSucceeded(clock.now());
      logger.info({ target: actuator.target, dryRun }, `dry run: would start ${actuator.target}`);
      return;
    }
    metrics.wakeAttempted();
    logger.info({ target: actuator.target, heldForWake: verdict.heldForWake }, `starting ${actuator.target}`);
    try {
      await actuator.start(signal);
      policy.wakeSucceeded(clock.now());
      logger.info({ target: actuator.target }, `started ${actuator.target}; the gateway sends the held requests once it is healthy`);
    } catch (error) {
      metrics.wakeFailed();
      policy.wakeFailed();
      logger.error({ target: actuator.target, err: errorText(error) }, `start of ${actuator.target} failed; retrying at the next check`);
    }
  }

  private async stop(verdict: CheckVerdict, signal: AbortSignal): Promise<void> {
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
      this.parts.wake?.stopSucceeded();
      logger.info({ target: actuator.target, dryRun }, `dry run: would stop ${actuator.target}`);
      return;
    }
    metrics.stopAttempted();
    logger.info({ target: actuator.target }, `stopping ${actuator.target}`);
    try {
      await actuator.stop(signal);
      policy.stopSucceeded();
      this.parts.wake?.stopSucceeded();
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
