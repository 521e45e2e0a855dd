// make bench-gateway: the gateway against vllm-sim (qwen2.5-7b-h100), each figure side by side with
// its baseline in the same run. Writes bench-results/gateway/result.json and report.html.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@reviewlens/testkit";
import { percentile } from "../load/percentiles.js";
import { loadQwenTokenizer } from "../load/qwen-tokenizer.js";
import { randomDataset } from "../load/random-dataset.js";
import { RandomSource } from "../load/random-source.js";
import type { BenchRequest, RequestOutput } from "../load/request-output.js";
import { runArm, type ArmResult } from "../experiments/experiment-arm.js";
import { startSimStack, type SimStack } from "../experiments/sim-stack.js";
import { createGatewayTarget } from "../targets/gateway-grpc-target.js";
import { sjfWorkload } from "../experiments/sjf-experiment.js";
import { invokedAs, writeDocsFigures } from "../report/figure-file.js";
import { renderReport } from "../report/html-report.js";
import { markdownReport } from "../report/markdown-report.js";
import { createPeerParts, gatewayBenchReport, machineLoad, resetPrefixCaches } from "../peers/index.js";

// Time scale 1 by default: at a faster scale on two cores the single gateway process relaying every
// token becomes the bottleneck and the figures measure the CPU, not the scheduling.
const TIME_SCALE = Number(process.env["BENCH_TIME_SCALE"] ?? 1);
const SEED = 7;
const outDir = join(repoRoot, "bench-results", "gateway");
const log = (s: string) => process.stdout.write(`${s}\n`);
const tokenizer = loadQwenTokenizer();
// A run of some parts (ARGS) keeps the other parts' last figures.
const previous = existsSync(join(outDir, "result.json")) ? (JSON.parse(readFileSync(join(outDir, "result.json"), "utf8")) as Record<string, unknown>) : {};
const results: Record<string, unknown> = { ...previous, timeScale: TIME_SCALE, profile: "qwen2.5-7b-h100", startedAt: new Date().toISOString() };

const ms = (v: number) => Math.round(v * 1000);
const p = (outputs: RequestOutput[], q: number, pick: (o: RequestOutput) => number) => ms(percentile(outputs.filter((o) => o.success).map(pick), q));
const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;

/**
 * The scheduling parts' two stacks: FCFS arms go straight to a simulator with vLLM's default
 * (FCFS) policy; gateway arms to the deployment the chart makes, a simulator with
 * `--scheduling-policy priority` behind a gateway that sends its classes as `priority`. (A
 * simulator in priority mode is not vLLM's default under KV pressure: it picks its preemption victim
 * by arrival, not by position in the running list.)
 */
interface Stacks {
  fcfs: SimStack;
  gateway: SimStack;
}

/** Straight to the simulator, with a cold prefix cache. */
async function directTarget(stack: SimStack) {
  await resetPrefixCaches(stack.sims.map((s) => s.url));
  return stack.direct();
}

/** The gateway as a target, once it has settled from the previous arm, with a cold prefix cache. */
async function gatewayTarget(stack: SimStack) {
  await stack.gateway!.settled();
  await resetPrefixCaches(stack.sims.map((s) => s.url));
  return createGatewayTarget({ address: stack.gateway!.grpcAddress, model: "", ignoreEos: true, defaultPriority: "standard" });
}

/** Requests/s the simulator completes when everything arrives at once (FCFS, straight to it). */
async function saturation(stack: SimStack, requests: BenchRequest[], timeScale: number): Promise<number> {
  const arm = await runArm({ name: "saturation probe", target: await directTarget(stack), requests, timeScale, log });
  return arm.metrics["request_throughput"] as number;
}

const p95Ttft = (outputs: RequestOutput[], kind: string) => p(outputs.filter((o) => o.kind === kind), 95, (o) => o.ttft);
const change = (after: number, before: number) => Math.round((after / before - 1) * 1000) / 1000;
const underSla = (outputs: RequestOutput[]) => ratio(outputs.filter((o) => o.success && o.ttft < 2).length, outputs.length);

/** Workloads per scenario: one 300-request sample's p95 swings by a third with its seed, so three are pooled. */
const MIXED_SEEDS = [1, 11, 21];

// 2a / 2b: the 80/20 mix at 90% of saturation, Poisson and gamma (burstiness 0.3); each seed's
// workload goes to FCFS and to the gateway back to back, and the p95s are over all three.
async function mixedLoad(stacks: Stacks) {
  const base = { numPrompts: 300, smallShare: 0.8, smallInputLen: 200, largeInputLen: 3_000, outputLen: 64, seed: SEED, timeScale: TIME_SCALE, simArgs: [], log };
  const burst = sjfWorkload({ ...base, requestRate: Infinity, burstiness: 1 });
  const sat = await saturation(stacks.fcfs, burst.requests, TIME_SCALE);
  // Warm the gateway up (JIT, the estimator's tokens-per-character) so the arms measure steady state.
  await runArm({ name: "gateway warm-up (not recorded)", target: await gatewayTarget(stacks.gateway), requests: burst.requests.slice(0, 60), timeScale: TIME_SCALE, log });
  const rows = [];
  for (const [name, burstiness] of [["a. Poisson", 1], ["b. gamma, burstiness 0.3", 0.3]] as const) {
    log(`\n== 2${name} at 90% of saturation (${(sat * 0.9).toFixed(1)} req/s virtual), ${MIXED_SEEDS.length} workloads`);
    const fcfs: ArmResult[] = [];
    const gateway: ArmResult[] = [];
    const seeds = MIXED_SEEDS.map((offset) => SEED + offset + (burstiness === 1 ? 0 : 1));
    for (const seed of seeds) {
      const workload = sjfWorkload({ ...base, requestRate: sat * 0.9, burstiness, seed });
      fcfs.push(await runArm({ name: `FCFS (simulator alone), seed ${seed}`, target: await directTarget(stacks.fcfs), ...workload, timeScale: TIME_SCALE, log }));
      gateway.push(await runArm({ name: `gateway, seed ${seed}`, target: await gatewayTarget(stacks.gateway), ...workload, timeScale: TIME_SCALE, log }));
    }
    const [f, g] = [fcfs.flatMap((a) => a.outputs), gateway.flatMap((a) => a.outputs)];
    const throughput = (arms: ArmResult[]) => arms.reduce((n, a) => n + a.metrics.completed, 0) / arms.reduce((t, a) => t + a.durationS, 0);
    rows.push({
      workload: name,
      seeds,
      fcfs_small_p95_ttft_ms: p95Ttft(f, "small"),
      gateway_small_p95_ttft_ms: p95Ttft(g, "small"),
      small_p95_change: change(p95Ttft(g, "small"), p95Ttft(f, "small")),
      small_p95_change_per_seed: fcfs.map((a, i) => change(p95Ttft(gateway[i]!.outputs, "small"), p95Ttft(a.outputs, "small"))),
      fcfs_large_p95_ttft_ms: p95Ttft(f, "large"),
      gateway_large_p95_ttft_ms: p95Ttft(g, "large"),
      large_p95_change: change(p95Ttft(g, "large"), p95Ttft(f, "large")),
      large_p95_change_per_seed: fcfs.map((a, i) => change(p95Ttft(gateway[i]!.outputs, "large"), p95Ttft(a.outputs, "large"))),
      throughput_ratio: ratio(throughput(gateway), throughput(fcfs)),
      fcfs_slo_compliance: underSla(f),
      gateway_slo_compliance: underSla(g),
    });
  }
  results["mixed"] = { saturationRequestsPerS: sat, rows };
}

// 3. 10 restaurants x 50 reviews: sequential, static batches of 50, and the gateway.
async function coalescing(stacks: Stacks) {
  log("\n== 3. 10 restaurants x 50 reviews: sequential vs static batches of 50 vs the gateway");
  const instructions = "Classify the sentiment of the review below as positive, negative or neutral and answer in JSON. ";
  const reviews = randomDataset({ numPrompts: 500, inputLen: 150, outputLen: 40, rangeRatio: 0.3, prefixLen: 0 }, new RandomSource(SEED + 40), tokenizer).map((r) => ({
    ...r,
    prompt: instructions + r.prompt,
    promptLen: r.promptLen + tokenizer.encode(instructions).length,
  }));
  const sequential = await runArm({ name: "sequential", target: await directTarget(stacks.fcfs), requests: reviews, maxConcurrency: 1, timeScale: TIME_SCALE, log });
  let staticS = 0;
  for (let i = 0; i < 500; i += 50) staticS += (await runArm({ name: `static batch ${i / 50 + 1}`, target: await directTarget(stacks.fcfs), requests: reviews.slice(i, i + 50), timeScale: TIME_SCALE })).durationS;
  const gw = await runArm({ name: "gateway (all at once)", target: await gatewayTarget(stacks.gateway), requests: reviews, timeScale: TIME_SCALE, log });
  results["coalescing"] = {
    sequential_s: Math.round(sequential.durationS * 10) / 10,
    static_batch_50_s: Math.round(staticS * 10) / 10,
    gateway_s: Math.round(gw.durationS * 10) / 10,
    notes_s: { sequential: 500, static: 150, continuous: 100 },
  };
}

const args = process.argv.slice(2);
// --quick: fewer requests and shorter runs, to check a part works (its figures are not the benchmark's).
const quick = args.includes("--quick");
const only = args.filter((a) => !a.startsWith("--"));
const want = (name: string) => only.length === 0 || only.includes(name);
mkdirSync(outDir, { recursive: true });
const peers = createPeerParts({ repoRoot, timeScale: TIME_SCALE, quick, seed: SEED, tokenizer, log });
results["machine"] = { uptimeStart: machineLoad() };
results["quick"] = quick;
const save = () => {
  results["portkey"] = peers.portkey() ?? results["portkey"];
  writeFileSync(join(outDir, "result.json"), JSON.stringify(results, null, 2));
  writeFileSync(join(outDir, "report.html"), renderReport(gatewayBenchReport(results)));
};
/** Runs a three-path part and saves its figures, or what the others have, if it fails. */
const peerPart = async (key: string, run: () => Promise<unknown>) => {
  await run().then((r) => void (results[key] = r)).finally(save);
};
if (want("overhead")) await peerPart("overhead", peers.overhead);
if (want("mixed") || want("coalescing")) {
  const stacks: Partial<Stacks> = {};
  try {
    stacks.fcfs = await startSimStack({ timeScale: TIME_SCALE, gateway: false });
    stacks.gateway = await startSimStack({ timeScale: TIME_SCALE, gateway: true, simArgs: ["--scheduling-policy", "priority"], gatewayEnv: { GATEWAY_BACKEND_PRIORITY: "true" } });
    const ready = stacks as Stacks;
    if (want("mixed")) await mixedLoad(ready).finally(save);
    if (want("coalescing")) await coalescing(ready).finally(save);
  } finally {
    await Promise.all([stacks.fcfs?.stop(), stacks.gateway?.stop()]);
  }
}
if (want("batch")) await peerPart("batchDrop", peers.batchDrop);
if (want("overload")) await peerPart("overload", peers.overload);
if (want("affinity")) await peerPart("affinity", peers.affinity);
results["finishedAt"] = new Date().toISOString();
results["machine"] = { ...(results["machine"] as object), uptimeEnd: machineLoad() };
save();
const partsRun = only.length === 0 ? "every part" : `parts ${only.join(", ")}`;
const figuresFile = writeDocsFigures(
  "gateway",
  invokedAs("bench-gateway", args),
  `This run measured ${partsRun}${quick ? " at the short --quick setting (a check that they work, not the benchmark's figures)" : ""}; parts it did not run keep their figures from an earlier run in bench-results/gateway/result.json.\n\n${markdownReport(gatewayBenchReport(results))}`,
);
log(`\nwritten to ${outDir}/result.json, report.html and ${figuresFile}`);
