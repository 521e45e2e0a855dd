// make bench-policy-model: admission policies compared in the discrete-event model (policy-model.ts)
// on bench-gateway's workloads 2a, 2b and 2c, in seconds. Each row is the policy's figure over
// FCFS's on the same workload (geometric mean over seeds, and the range). It guides a choice; the
// wall-clock `make bench-gateway` measures the one chosen.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@reviewlens/testkit";
import { invokedAs, writeDocsFigures } from "../report/figure-file.js";
import { markdownTable } from "../report/markdown-report.js";
import { interArrivalTimes } from "../load/arrival-process.js";
import { percentile } from "../load/percentiles.js";
import { RandomSource } from "../load/random-source.js";
import { simulatePolicy, type ModelPolicy, type ModelRequest, type ModelResult } from "./policy-model.js";

const SEEDS = Array.from({ length: Number(process.env["MODEL_SEEDS"] ?? 12) }, (_, i) => 8 + i);
const log = (s: string) => process.stdout.write(`${s}\n`);

const gateway = (o: Partial<Extract<ModelPolicy, { kind: "gateway" }>>): ModelPolicy => ({
  kind: "gateway",
  prefillBudgetSteps: 2,
  latencyBudgetSteps: 1,
  shortPromptTokens: 512,
  sjfGranularityTokens: 512,
  backendPriority: false,
  ...o,
});

const POLICIES: Array<[string, ModelPolicy]> = [
  ["shortest-first only (before the short-prompt rule)", gateway({ shortPromptTokens: 0, sjfGranularityTokens: 1 })],
  ["default (short prompts 512, latency budget 1 step)", gateway({})],
  ["default, latency budget 1.5 steps", gateway({ latencyBudgetSteps: 1.5 })],
  ["default, latency budget 0.5 steps", gateway({ latencyBudgetSteps: 0.5 })],
  ["backend priority (the Helm chart)", gateway({ backendPriority: true })],
];

/** Prompt lengths around `mean` (+-25%), as the benchmark's random datasets. */
const around = (random: RandomSource, mean: number) => Math.round(mean * (0.75 + 0.5 * random.uniform()));

function mixedWorkload(seed: number, requestRate: number, burstiness: number): ModelRequest[] {
  const random = new RandomSource(seed);
  const gaps = requestRate === Infinity ? new Array<number>(300).fill(0) : interArrivalTimes(300, { requestRate, burstiness }, new RandomSource(seed + 1));
  let at = 0;
  return gaps.map((gap) => {
    at += gap * 1_000;
    const small = random.uniform() < 0.8;
    return { arrivalMs: at, promptTokens: around(random, small ? 200 : 3_000), outputTokens: 64, priority: "standard" as const };
  });
}

function batchDropWorkload(seed: number): ModelRequest[] {
  const random = new RandomSource(seed);
  const batch = Array.from({ length: 500 }, () => ({ arrivalMs: 0, promptTokens: around(random, 3_000), outputTokens: 64, priority: "batch" as const }));
  let at = 0;
  const interactive = interArrivalTimes(400, { requestRate: 10, burstiness: 1 }, new RandomSource(seed + 1)).map((gap) => {
    at += gap * 1_000;
    return { arrivalMs: at, promptTokens: around(random, 200), outputTokens: 64, priority: "interactive" as const };
  });
  return [...batch, ...interactive];
}

const p95 = (values: number[]) => percentile(values, 95);
const finished = (results: ModelResult[]) => Math.max(...results.map((r) => r.finishedMs));
const geometricMean = (xs: number[]) => Math.exp(xs.reduce((sum, x) => sum + Math.log(x), 0) / xs.length);
const summary = (ratios: number[]) => ({ mean: round(geometricMean(ratios)), min: round(Math.min(...ratios)), max: round(Math.max(...ratios)) });
const round = (x: number) => Math.round(x * 1000) / 1000;
const show = (s: { mean: number; min: number; max: number }) => `${s.mean.toFixed(2)} [${s.min.toFixed(2)}-${s.max.toFixed(2)}]`;

function ttftP95(requests: ModelRequest[], results: ModelResult[], pick: (r: ModelRequest) => boolean) {
  return p95(results.filter((_, i) => pick(requests[i]!)).map((r) => r.ttftMs));
}

const saturation = (() => {
  const burst = mixedWorkload(7, Infinity, 1);
  return burst.length / (finished(simulatePolicy(burst, { kind: "fcfs" })) / 1_000);
})();
log(`saturation (FCFS, 300 at once): ${saturation.toFixed(1)} req/s; workloads at 90%: ${(saturation * 0.9).toFixed(1)} req/s; seeds ${SEEDS.join(", ")}`);

const isSmall = (r: ModelRequest) => r.promptTokens < 1_000;
const output: Record<string, unknown> = { saturationRequestsPerS: saturation, seeds: SEEDS };
const figures: string[] = [
  `Engine saturation (FCFS, 300 mixed requests at once): ${saturation.toFixed(1)} req/s; workloads 2a/2b at 90% of it (${(saturation * 0.9).toFixed(1)} req/s), seeds ${SEEDS.join(", ")}. Ratios are policy / FCFS, geometric mean [min-max] over the seeds.`,
];
for (const [scenario, burstiness] of [["2a Poisson", 1], ["2b gamma 0.3", 0.3]] as const) {
  const workloads = SEEDS.map((seed) => mixedWorkload(seed, saturation * 0.9, burstiness));
  const fcfs = workloads.map((w) => simulatePolicy(w, { kind: "fcfs" }));
  log(`\n${scenario}: policy / FCFS, geometric mean [min-max] over the seeds`);
  const rows = POLICIES.map(([name, policy]) => {
    const runs = workloads.map((w) => simulatePolicy(w, policy));
    const ratio = (pick: (r: ModelRequest) => boolean) => summary(runs.map((run, i) => ttftP95(workloads[i]!, run, pick) / ttftP95(workloads[i]!, fcfs[i]!, pick)));
    const row = { policy: name, small_p95: ratio(isSmall), large_p95: ratio((r) => !isSmall(r)), makespan: summary(runs.map((run, i) => finished(run) / finished(fcfs[i]!))) };
    log(`  ${name.padEnd(52)} small p95 ${show(row.small_p95)}  large p95 ${show(row.large_p95)}  makespan ${show(row.makespan)}`);
    return row;
  });
  output[scenario] = rows;
  figures.push(`*${scenario}*`, markdownTable({ columns: ["policy", "small p95 TTFT", "large p95 TTFT", "makespan"], rows: rows.map((r) => [r.policy, show(r.small_p95), show(r.large_p95), show(r.makespan)]) }));
}

log("\n2c 500 x 3,000-token batch prompts at once + interactive at 10/s (seed 8)");
const drop = batchDropWorkload(8);
const batchEnd = (results: ModelResult[]) => Math.max(...results.filter((_, i) => drop[i]!.priority === "batch").map((r) => r.finishedMs));
const interactiveP95 = (results: ModelResult[]) => p95(results.filter((_, i) => drop[i]!.priority === "interactive").map((r) => r.ttftMs));
const fcfsDrop = simulatePolicy(drop, { kind: "fcfs" });
log(`  ${"FCFS".padEnd(52)} batch ${(batchEnd(fcfsDrop) / 1_000).toFixed(2)} s  interactive p95 TTFT ${Math.round(interactiveP95(fcfsDrop))} ms`);
output["2c"] = POLICIES.map(([name, policy]) => {
  const run = simulatePolicy(drop, policy);
  const row = { policy: name, batch_s: batchEnd(run) / 1_000, batch_ratio: round(batchEnd(run) / batchEnd(fcfsDrop)), interactive_p95_ttft_ms: Math.round(interactiveP95(run)) };
  log(`  ${name.padEnd(52)} batch ${row.batch_s.toFixed(2)} s (${row.batch_ratio.toFixed(3)}x)  interactive p95 TTFT ${row.interactive_p95_ttft_ms} ms`);
  return row;
});
figures.push(
  "*2c: 500 x 3,000-token batch prompts at once + interactive at 10/s (seed 8)*",
  markdownTable({
    columns: ["policy", "batch finished", "x FCFS", "interactive p95 TTFT"],
    rows: [
      ["FCFS", `${(batchEnd(fcfsDrop) / 1_000).toFixed(2)} s`, "1", `${Math.round(interactiveP95(fcfsDrop))} ms`],
      ...(output["2c"] as Array<{ policy: string; batch_s: number; batch_ratio: number; interactive_p95_ttft_ms: number }>).map((r) => [r.policy, `${r.batch_s.toFixed(2)} s`, r.batch_ratio.toFixed(3), `${r.interactive_p95_ttft_ms} ms`]),
    ],
  }),
);

const outDir = join(repoRoot, "bench-results", "gateway");
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "policy-model.json"), JSON.stringify(output, null, 2));
const figuresFile = writeDocsFigures("policy-model", invokedAs("bench-policy-model", []), figures.join("\n\n"));
log(`\nwritten to ${join(outDir, "policy-model.json")} and ${figuresFile}`);
