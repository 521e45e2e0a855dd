// Runs the simulated day under one policy, with real processes on loopback: the simulator (H100
// profile) behind the switched pod, the gateway, and (for the stop policies) the watchdog flipping
// the pod with its command actuator. Every analysis of the plan is sent at its time; what each met
// and how it ended is recorded on the virtual clock.
import { prometheusSum, startServiceProcess, type ServiceProcess } from "@reviewlens/testkit";
import { startGateway, type GatewayProcess } from "../experiments/gateway-process.js";
import { percentile } from "../load/percentiles.js";
import type { BenchRequest, RequestOutput } from "../load/request-output.js";
import { launchSimReplica, type SimReplica } from "../scaling/sim-replica-launcher.js";
import { createGatewayTarget } from "../targets/gateway-grpc-target.js";
import type { DayPlan, PlannedAnalysis } from "./day-traffic.js";
import type { PodState } from "./pod-timeline.js";
import { COLD_START_SECONDS, HOURLY_PRICE, watchdogIdleFlags, type Policy } from "./policies.js";
import { firstRunAtOrAfter, schedulerWallCron } from "./scheduler-wall-cron.js";
import { startSwitchedPod, type SwitchedPod } from "./switched-pod.js";

const DAY_MS = 24 * 3_600_000;
const SIM_PROFILE = "qwen2.5-7b-h100";

export interface RunOptions {
  plan: DayPlan;
  timeScale: number;
  /** Prompts the analyses cycle through (review batches); each is made unique per analysis. */
  prompts: readonly Pick<BenchRequest, "prompt" | "promptLen">[];
  outputTokens: number;
  /** Virtual seconds after the day's end to let the last requests finish. */
  graceSeconds: number;
  log(line: string): void;
}

export interface RequestRecord {
  readonly atS: number;
  readonly source: PlannedAnalysis["source"];
  /** The pod's state when the request arrived: anything but "on" is a cold pool. */
  readonly met: PodState;
  readonly ok: boolean;
  readonly error?: string;
  /** Arrival to the last token (virtual seconds); undefined when it failed. */
  readonly latencyS?: number;
}

export interface PolicyResult {
  policy: string;
  label: string;
  settings: Policy;
  gpuHours: number;
  dollars: number;
  savedVsAlwaysOn?: number;
  requests: number;
  completed: number;
  failed: number;
  failuresByError: Record<string, number>;
  coldPoolRequests: number;
  p95ColdPoolLatencyS: number | null;
  p95LatencyS: number;
  p50LatencyS: number;
  /** Completed analyses (one LLM request each). */
  dollarsPer1000Analyses: number | null;
  podStarts: number;
  podStops: number;
  /** The watchdog's calls, and its checks by decision (unknown: a signal not read within the check interval). */
  watchdog?: { stopsAttempted: number; wakesAttempted: number; wakesFailed: number; checks: Record<string, number> };
  /** The gateway's view: wakes it measured (first held request to a healthy replica, virtual seconds), requests it held. */
  gateway: { wakes: number; meanWakeS: number | null; heldRequests: number; coldPoolRefusals: number };
  wallSeconds: number;
}

export async function runPolicy(policy: Policy, options: RunOptions): Promise<PolicyResult> {
  const { timeScale } = options;
  const wallStart = performance.now();
  const virtualNow = () => (performance.now() - wallStart) / timeScale;
  const wallMs = (virtualMs: number) => virtualMs * timeScale;
  let sim: SimReplica | undefined;
  let pod: SwitchedPod | undefined;
  let gateway: GatewayProcess | undefined;
  let watchdog: ServiceProcess | undefined;
  // The day's scheduler runs as a user gives them to the watchdog: a cron expression, in wall time.
  const schedulerCron = schedulerWallCron(options.plan.scheduleEveryMinutes, timeScale);
  try {
    sim = await launchSimReplica({ timeScale, profile: SIM_PROFILE, extraArgs: ["--seed", "24"] });
    pod = await startSwitchedPod({ backendUrl: sim.url, loadMs: wallMs(COLD_START_SECONDS * 1_000), now: virtualNow });
    await pod.start();
    await new Promise((r) => setTimeout(r, wallMs(COLD_START_SECONDS * 1_000) + 10));
    gateway = await startGateway([pod.url], {
      GATEWAY_PROBE_INTERVAL_MS: "50",
      GATEWAY_WAKEABLE: String(policy.wakeable),
      // The cold start plus one watchdog check: what a caller waits for from the first held request.
      GATEWAY_WAKE_COLD_START_MS: String(Math.round(wallMs((COLD_START_SECONDS + 60) * 1_000))),
    });
    if (policy.watchdog) {
      const curl = (action: string) => `curl -fsS -X POST ${pod!.controlUrl}/${action}`;
      watchdog = await startServiceProcess({
        entry: "services/watchdog/src/main.ts",
        args: [
          "--actuator=command",
          `--stop-command=${curl("stop")}`,
          ...(policy.watchdog.wake ? ["--wake", `--start-command=${curl("start")}`] : []),
          ...(policy.watchdog.scheduledRuns ? [`--scheduled-runs=${schedulerCron.expression}`] : []),
          ...watchdogIdleFlags(policy.watchdog.idle, timeScale),
          "--gpu-signal=none",
          `--gateway-metrics-url=${gateway.metricsUrl}`,
          `--vllm-metrics-url=${pod.url}/metrics`,
          "--metrics-port=0",
        ],
        env: { LOG_LEVEL: "info" },
        readyWhen: (line) => typeof line["metricsPort"] === "number" && String(line["msg"]).startsWith("watchdog watching"),
      });
    }

    // Midnight, and so every scheduler tick of the plan, falls on a run of the cron expression (every policy alike).
    const [epochNow, virtualAtEpochNow] = [Date.now(), virtualNow()];
    const dayStart = virtualAtEpochNow + (firstRunAtOrAfter(epochNow + 1_000, schedulerCron) - epochNow) / timeScale;
    options.log(`${policy.label}: the day starts (${Math.round(wallMs(DAY_MS) / 1000)} s of wall time)`);
    const target = createGatewayTarget({ address: gateway.grpcAddress, model: "", ignoreEos: true, defaultPriority: "standard" });
    const records: RequestRecord[] = [];
    let manualWake: NodeJS.Timeout | undefined;
    const onFailure = () => {
      // Today's runbook: someone notices the failures and starts the pod by hand.
      if (policy.manualWakeAfterMinutes === undefined || manualWake || pod!.timeline.state !== "off") return;
      manualWake = setTimeout(() => {
        manualWake = undefined;
        void pod!.start();
      }, wallMs(policy.manualWakeAfterMinutes * 60_000));
    };
    const sends = options.plan.analyses.map(
      (analysis, i) =>
        new Promise<void>((resolve) => {
          setTimeout(
            () => {
              const met = pod!.timeline.state;
              const base = options.prompts[i % options.prompts.length]!;
              const request: BenchRequest = {
                prompt: `[${analysis.restaurantId} ${analysis.analysisType} #${i}]\n${base.prompt}`,
                promptLen: base.promptLen,
                outputLen: options.outputTokens,
                priority: analysis.priority,
              };
              const sentAt = performance.now();
              void target.send(request, 0, new AbortController().signal).then((out: RequestOutput) => {
                const latencyS = (performance.now() - sentAt) / timeScale / 1_000;
                records.push({ atS: analysis.atMs / 1_000, source: analysis.source, met, ok: out.success, ...(out.success ? { latencyS } : { error: out.error.replace(/^\/\S+ /, "").slice(0, 120) }) });
                if (!out.success) onFailure();
                resolve();
              });
            },
            Math.max(0, wallMs(dayStart + analysis.atMs - virtualNow())),
          );
        }),
    );
    const dayOver = new Promise((r) => setTimeout(r, Math.max(0, wallMs(dayStart + DAY_MS - virtualNow()))));
    await dayOver;
    const billedMs = pod.timeline.billedMs(dayStart, dayStart + DAY_MS);
    const starts = pod.timeline.entered("loading");
    const stops = pod.timeline.entered("off");
    clearTimeout(manualWake);
    // The last analyses finish (or fail) within the grace period; none is left out of the count.
    const grace = new Promise<"grace over">((r) => setTimeout(() => r("grace over"), wallMs(options.graceSeconds * 1_000)).unref());
    if ((await Promise.race([Promise.all(sends), grace])) === "grace over") options.log(`${policy.label}: ${sends.length - records.length} requests still open after the grace period`);
    await target.close();

    const gatewayText = await (await fetch(gateway.metricsUrl)).text();
    const watchdogText = watchdog ? await (await fetch(`http://127.0.0.1:${watchdog.metricsPort}/metrics`)).text() : undefined;
    const completed = records.filter((r) => r.ok);
    const failed = records.filter((r) => !r.ok);
    const coldPool = records.filter((r) => r.met !== "on");
    const coldLatencies = coldPool.filter((r) => r.ok).map((r) => r.latencyS!);
    const gpuHours = billedMs / 3_600_000;
    const dollars = gpuHours * HOURLY_PRICE;
    return {
      policy: policy.name,
      label: policy.label,
      settings: policy,
      gpuHours: round(gpuHours, 3),
      dollars: round(dollars, 2),
      requests: options.plan.analyses.length,
      completed: completed.length,
      failed: options.plan.analyses.length - completed.length,
      failuresByError: failed.reduce<Record<string, number>>((m, r) => ({ ...m, [r.error ?? "?"]: (m[r.error ?? "?"] ?? 0) + 1 }), {}),
      coldPoolRequests: coldPool.length,
      p95ColdPoolLatencyS: coldLatencies.length > 0 ? round(percentile(coldLatencies, 95), 1) : null,
      p95LatencyS: round(percentile(completed.map((r) => r.latencyS!), 95), 1),
      p50LatencyS: round(percentile(completed.map((r) => r.latencyS!), 50), 2),
      dollarsPer1000Analyses: completed.length > 0 ? round((dollars / completed.length) * 1_000, 3) : null,
      podStarts: starts,
      podStops: stops,
      ...(watchdogText
        ? {
            watchdog: {
              stopsAttempted: prometheusSum(watchdogText, "watchdog_stops_attempted_total"),
              wakesAttempted: prometheusSum(watchdogText, "watchdog_wakes_attempted_total"),
              wakesFailed: prometheusSum(watchdogText, "watchdog_wakes_failed_total"),
              checks: Object.fromEntries(
                [...watchdogText.matchAll(/^watchdog_checks_total\{[^}]*decision="([a-z]+)"[^}]*\} (\S+)$/gm)].map((m) => [m[1]!, Number(m[2])]),
              ),
            },
          }
        : {}),
      gateway: {
        wakes: prometheusSum(gatewayText, "gateway_pool_wake_seconds_count"),
        meanWakeS: meanVirtual(prometheusSum(gatewayText, "gateway_pool_wake_seconds_sum"), prometheusSum(gatewayText, "gateway_pool_wake_seconds_count"), timeScale),
        heldRequests: prometheusSum(gatewayText, "gateway_cold_pool_wait_seconds_count"),
        coldPoolRefusals: prometheusSum(gatewayText, "gateway_cold_pool_refusals_total"),
      },
      wallSeconds: round((performance.now() - wallStart) / 1_000, 1),
    };
  } finally {
    await watchdog?.stop();
    await gateway?.stop();
    await pod?.close();
    await sim?.stop();
  }
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const meanVirtual = (sumWallS: number, count: number, timeScale: number) => (count > 0 ? round(sumWallS / count / timeScale, 1) : null);
