// The autoscaling benchmark (the seeds' experiment grown from 2 pods to N): one load profile through
// the gateway to simulator replicas, under four policies in one run: one fixed replica, the maximum
// fixed, the HPA algorithm on vllm:num_requests_waiting, and on the gateway's queue per replica.
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { percentile } from "../load/percentiles.js";
import { phaseAt, profileArrivals, profileDuration, toInterArrival, type ProfilePhase } from "../load/load-profile.js";
import { loadQwenTokenizer } from "../load/qwen-tokenizer.js";
import { randomDataset } from "../load/random-dataset.js";
import { RandomSource } from "../load/random-source.js";
import type { BenchRequest, RequestOutput } from "../load/request-output.js";
import { runBenchmark } from "../load/run-benchmark.js";
import { autoscaleStep, type DecisionRecord } from "../scaling/autoscale-loop.js";
import { fetchMetricsText, gatewayBackendPool } from "../scaling/gateway-admin.js";
import type { ScalerConfig } from "../scaling/helm-hpa-values.js";
import { HorizontalPodAutoscaler } from "../scaling/hpa-algorithm.js";
import { LiveView } from "../scaling/live-view.js";
import { sumOf } from "../scaling/metric-sum.js";
import { ReplicaPool, type ReplicaHandle } from "../scaling/replica-pool.js";
import type { SignalKind, SignalSnapshot } from "../scaling/scaling-signals.js";
import { launchSimReplica } from "../scaling/sim-replica-launcher.js";
import { launchAll } from "../scaling/launch-all.js";
import { createOpenAiTarget } from "../targets/openai-target.js";
import { startGateway } from "./gateway-process.js";
import { virtualClock } from "./experiment-output.js";

export type ScenarioName = "fixed-1" | "fixed-max" | "hpa-vllm-waiting" | "hpa-gateway-queue";
export const ALL_SCENARIOS: readonly ScenarioName[] = ["fixed-1", "fixed-max", "hpa-vllm-waiting", "hpa-gateway-queue"];

export interface AutoscaleOptions {
  scenarios: readonly ScenarioName[];
  phases: ProfilePhase[];
  timeScale: number;
  coldStartS: number;
  checkIntervalS: number;
  inputLen: number;
  outputLen: number;
  rangeRatio: number;
  seed: number;
  sloTtftS: number;
  /** What the scaler uses: the chart's settings fitted to this run. */
  scaler: ScalerConfig;
  /** The chart's settings as read. */
  chart?: ScalerConfig;
  fit?: { behaviorScale: number; maxNumSeqs: number; chartMaxNumSeqs: number; maxReplicas: number };
  simProfile: string;
  simArgs: string[];
  gatewayEnv: Record<string, string>;
  resultsDir: string;
  live: boolean;
}

export interface TimelinePoint {
  t: number;
  ready: number;
  starting: number;
  draining: number;
  queue: number;
  waiting: number;
  running: number;
}

export interface ScenarioResult {
  scenario: ScenarioName;
  signal?: SignalKind | undefined;
  target?: number | undefined;
  requests: number;
  completed: number;
  lost: number;
  p50_ttft_ms: number;
  p95_ttft_ms: number;
  p99_ttft_ms: number;
  sla_compliance: number;
  goodput_rps: number;
  replica_seconds: number;
  max_replicas: number;
  scale_ups: number;
  scale_downs: number;
  duration_s: number;
  /** Mean spawn-to-ready time of replicas the scaler started (virtual s). */
  mean_cold_start_s: number | null;
  timeline: TimelinePoint[];
  decisions: DecisionRecord[];
  ttft_points: Array<[number, number]>;
  errors: string[];
}

const signalOf = (s: ScenarioName): SignalKind | undefined => (s === "hpa-vllm-waiting" ? "vllm-waiting" : s === "hpa-gateway-queue" ? "gateway-queue" : undefined);

async function readSnapshot(gatewayMetricsUrl: string, pool: ReplicaPool): Promise<SignalSnapshot & { running: number }> {
  const gateway = parsePrometheusTextFormat(await fetchMetricsText(gatewayMetricsUrl));
  const live = pool.list().filter((r) => r.state === "starting" || r.state === "ready");
  let running = 0;
  const replicas = await Promise.all(
    live.map(async (r) => {
      if (r.state !== "ready" || !r.url) return { ready: false };
      try {
        const samples = parsePrometheusTextFormat(await fetchMetricsText(`${r.url}/metrics`));
        running += sumOf(samples, ["vllm:num_requests_running", "vllm_num_requests_running"]) ?? 0;
        return { ready: true, value: sumOf(samples, ["vllm:num_requests_waiting", "vllm_num_requests_waiting"]) };
      } catch {
        return { ready: true, value: undefined };
      }
    }),
  );
  return { gatewayQueueDepth: sumOf(gateway, ["gateway_queue_depth"]) ?? 0, replicas, running };
}

export function buildWorkload(o: Pick<AutoscaleOptions, "phases" | "seed" | "inputLen" | "outputLen" | "rangeRatio">): { requests: BenchRequest[]; interArrival: number[] } {
  const arrivals = profileArrivals(o.phases, new RandomSource(o.seed + 1));
  const requests = randomDataset({ numPrompts: arrivals.length, inputLen: o.inputLen, outputLen: o.outputLen, rangeRatio: o.rangeRatio, prefixLen: 0 }, new RandomSource(o.seed), loadQwenTokenizer());
  return { requests: requests.map((r) => ({ ...r, priority: "interactive" as const })), interArrival: toInterArrival(arrivals) };
}

export async function runScenario(scenario: ScenarioName, o: AutoscaleOptions, workload: { requests: BenchRequest[]; interArrival: number[] }, decisionsFile: string): Promise<ScenarioResult> {
  const signal = signalOf(scenario);
  const initial = scenario === "fixed-max" ? o.scaler.spec.maxReplicas : scenario === "fixed-1" ? 1 : o.scaler.spec.minReplicas;
  const simOptions = { timeScale: o.timeScale, profile: o.simProfile, extraArgs: o.simArgs };
  const warm: ReplicaHandle[] = await launchAll(initial, () => launchSimReplica(simOptions));
  const gateway = await startGateway(warm.map((w) => w.url), o.gatewayEnv).catch(async (error: unknown) => {
    await Promise.all(warm.map((w) => w.stop()));
    throw error;
  });
  const clock = virtualClock(o.timeScale);
  const pool = new ReplicaPool({
    launch: () => launchSimReplica(simOptions),
    pool: gatewayBackendPool(gateway.httpUrl, o.gatewayEnv["GATEWAY_API_KEY"]),
    now: clock.now,
    sleep: clock.sleep,
    coldStartS: o.coldStartS,
    onEvent: (e) => void appendFile(decisionsFile, `${JSON.stringify({ scenario, kind: "replica", ...e })}\n`),
  });
  pool.adopt(warm);
  const hpa = signal ? new HorizontalPodAutoscaler(o.scaler.spec) : undefined;
  const target = signal ? o.scaler.targets[signal] : undefined;
  if (signal && target === undefined) throw new Error(`no target for ${signal} in ${o.scaler.source}`);
  const decisions: DecisionRecord[] = [];
  const timeline: TimelinePoint[] = [];
  const outputs: RequestOutput[] = [];
  const view = o.live ? new LiveView() : undefined;
  const end = profileDuration(o.phases);
  let loadDone = false;

  const control = (async () => {
    for (let next = 0; !loadDone || clock.now() < end; next += o.checkIntervalS) {
      // Once the load is over and nothing is in flight or starting, the idle tail is fast-forwarded:
      // the scaler's decisions there depend only on its clock.
      const quiet = loadDone && pool.list().every((r) => r.state === "ready" || r.state === "stopped");
      if (quiet) clock.advance(next - clock.now());
      else await clock.sleep(next - clock.now());
      const now = clock.now();
      let snapshot: Awaited<ReturnType<typeof readSnapshot>>;
      try {
        snapshot = await readSnapshot(gateway.metricsUrl, pool);
      } catch {
        continue;
      }
      const count = (s: string) => pool.list().filter((r) => r.state === s).length;
      const waiting = snapshot.replicas.reduce((a, r) => a + (r.value ?? 0), 0);
      timeline.push({ t: now, ready: count("ready"), starting: count("starting"), draining: count("draining"), queue: snapshot.gatewayQueueDepth, waiting, running: snapshot.running });
      if (hpa && signal && target !== undefined) {
        await autoscaleStep({
          hpa, pool, signal, target, now: () => now,
          read: async () => snapshot,
          onDecision: (d) => {
            decisions.push(d);
            void appendFile(decisionsFile, `${JSON.stringify({ scenario, kind: "decision", ...d })}\n`);
          },
        });
      }
      const recent = outputs.filter((x) => x.success && x.startTime > now - 30).map((x) => x.ttft * 1000);
      view?.update({ scenario, t: now, phase: phaseAt(o.phases, now), ready: count("ready"), starting: count("starting"), draining: count("draining"), queue: snapshot.gatewayQueueDepth, waiting, recentP95TtftMs: percentile(recent, 95), done: outputs.length, total: workload.requests.length });
    }
  })();

  const target_ = createOpenAiTarget({ baseUrl: gateway.httpUrl, endpoint: "/v1/completions", model: "", ignoreEos: true, apiKey: o.gatewayEnv["GATEWAY_API_KEY"] });
  try {
    const run = await runBenchmark({ ...workload, timeScale: o.timeScale, target: target_, onDone: (out) => outputs.push(out) });
    loadDone = true;
    await control;
    const duration = Math.max(end, run.durationS);
    const replicaSeconds = pool.replicaSeconds(clock.now());
    view?.end();
    const ok = run.outputs.filter((x) => x.success);
    const coldStarts = pool.list().filter((r) => !r.adopted && r.readyAt !== undefined).map((r) => r.readyAt! - r.startedAt);
    const ttfts = ok.map((x) => x.ttft * 1000);
    const good = ok.filter((x) => x.ttft < o.sloTtftS).length;
    return {
      scenario, signal, target,
      requests: run.outputs.length,
      completed: ok.length,
      lost: run.outputs.length - ok.length,
      p50_ttft_ms: percentile(ttfts, 50),
      p95_ttft_ms: percentile(ttfts, 95),
      p99_ttft_ms: percentile(ttfts, 99),
      sla_compliance: run.outputs.length ? good / run.outputs.length : 0,
      goodput_rps: good / duration,
      replica_seconds: replicaSeconds,
      max_replicas: Math.max(0, ...timeline.map((p) => p.ready + p.starting)),
      scale_ups: decisions.filter((d) => d.desired_replicas > d.current_replicas).length,
      scale_downs: decisions.filter((d) => d.desired_replicas < d.current_replicas).length,
      duration_s: duration,
      mean_cold_start_s: coldStarts.length ? coldStarts.reduce((a, b) => a + b, 0) / coldStarts.length : null,
      timeline,
      decisions,
      ttft_points: ok.map((x) => [x.startTime, x.ttft * 1000]),
      errors: [...new Set(run.outputs.filter((x) => !x.success).map((x) => x.error))].slice(0, 10),
    };
  } finally {
    loadDone = true;
    await control.catch(() => undefined);
    await target_.close();
    await pool.stopAll();
    await gateway.stop();
  }
}

export async function runAutoscalingBenchmark(o: AutoscaleOptions): Promise<ScenarioResult[]> {
  const dir = resolve(o.resultsDir, "autoscaling");
  await mkdir(dir, { recursive: true });
  const decisionsFile = join(dir, "decisions.jsonl");
  await writeFile(decisionsFile, "");
  const workload = buildWorkload(o);
  const results: ScenarioResult[] = [];
  for (const scenario of o.scenarios) results.push(await runScenario(scenario, o, workload, decisionsFile));
  return results;
}
