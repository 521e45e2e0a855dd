// make bench-fairness: tenant A floods at 5x its fair share while tenant B sends its normal
// interactive load (same class), on vllm-sim's H100 profile behind the gateway, with fair queueing
// (VTC) and with today's order (GATEWAY_FAIRNESS=off); B alone as the baseline; then weights 3:1
// with both backlogged. Figures to bench-results/fairness/result.json and report.md, and to
// docs/figures/fairness.md (included by docs/benchmarks.md).
import { execSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_RESULTS_DIR } from "../experiments/experiment-output.js";
import { runArm } from "../experiments/experiment-arm.js";
import { SIM_PROFILE, startSimStack } from "../experiments/sim-stack.js";
import { loadQwenTokenizer } from "../load/qwen-tokenizer.js";
import { invokedAs, writeDocsFigures } from "../report/figure-file.js";
import { randomDataset } from "../load/random-dataset.js";
import { RandomSource } from "../load/random-source.js";
import { runFairnessArm, tenantLoad, type ArmRun, type LoadShape } from "./fairness-arm.js";
import { servedIn, ttftPercentile, unfinishedIn, type Window } from "./fairness-figures.js";
import { fairnessReport, type FairnessResult } from "./fairness-report.js";

const { values: args } = parseArgs({
  options: {
    "time-scale": { type: "string", default: "4" },
    duration: { type: "string", default: "40" },
    warmup: { type: "string", default: "10" },
    grace: { type: "string", default: "10" },
    "max-num-seqs": { type: "string", default: "64" },
    headroom: { type: "string", default: "8" },
    seed: { type: "string", default: "19" },
    out: { type: "string", default: DEFAULT_RESULTS_DIR },
  },
});
const timeScale = Number(args["time-scale"]);
const durationS = Number(args.duration);
const window: Window = { from: Number(args.warmup), to: durationS };
const graceS = Number(args.grace);
const maxNumSeqs = args["max-num-seqs"];
const headroomSeqs = args.headroom;
const seed = Number(args.seed);
const log = (s: string) => process.stderr.write(`${s}\n`);
const uptime = () => execSync("uptime", { encoding: "utf8" }).trim();

// Prompts in one shortest-first unit (under 512 tokens), so today's order does not tell them apart;
// A's answers are longer and vary (requests that all end together would free the slots in waves).
const A_SHAPE = { inputLen: 256, outputLen: 256, rangeRatio: 0.5 };
const B_SHAPE = { inputLen: 256, outputLen: 64, rangeRatio: 0.1 };
const simArgs = ["--max-num-seqs", maxNumSeqs];
const baseEnv = { GATEWAY_MAX_NUM_SEQS: maxNumSeqs, GATEWAY_TRUST_TENANT_HEADER: "true", GATEWAY_MAX_QUEUE: "100000" };
const tenants = (a: number, b: number) => JSON.stringify({ tenants: { A: { weight: a }, B: { weight: b } } });

const started = uptime();
log(`fairness benchmark on ${SIM_PROFILE} (--max-num-seqs ${maxNumSeqs}), time scale ${timeScale}, ${durationS} s arms; ${started}`);
const tokenizer = loadQwenTokenizer();

// Capacity: A-shaped requests all at once through the gateway, until done.
const probeRequests = randomDataset({ numPrompts: 4 * Number(maxNumSeqs), ...A_SHAPE, prefixLen: 0 }, new RandomSource(seed), tokenizer);
const probeStack = await startSimStack({ timeScale, simArgs, gateway: true, gatewayEnv: baseEnv });
let capacityRequestsPerS: number;
try {
  const probe = await runArm({ name: "capacity probe", target: probeStack.viaGateway(), requests: probeRequests, timeScale, log });
  capacityRequestsPerS = probe.metrics["request_throughput"] as number;
} finally {
  await probeStack.stop();
}
const tokensPerA = A_SHAPE.inputLen + A_SHAPE.outputLen;
const tokensPerB = B_SHAPE.inputLen + B_SHAPE.outputLen;
const capacityTokensPerS = capacityRequestsPerS * tokensPerA;
// B: its normal load, a fifth of the capacity in tokens. A: five times its fair share (half the capacity).
const bShape: LoadShape = { ...B_SHAPE, rate: (0.2 * capacityTokensPerS) / tokensPerB };
const aShape: LoadShape = { ...A_SHAPE, rate: (5 * 0.5 * capacityTokensPerS) / tokensPerA };
log(`capacity ${capacityRequestsPerS.toFixed(2)} A-requests/s (${Math.round(capacityTokensPerS)} tokens/s); B ${bShape.rate.toFixed(2)} req/s, A ${aShape.rate.toFixed(2)} req/s`);

const armOptions = (gatewayEnv: Record<string, string>) => ({ timeScale, simArgs, gatewayEnv: { ...baseEnv, ...gatewayEnv }, durationS, graceS, log });
const bLoad = tenantLoad("B", bShape, durationS, seed + 10, tokenizer);
const aLoad = tenantLoad("A", aShape, durationS, seed + 20, tokenizer);
const alone = await runFairnessArm("B alone (fair queueing)", [bLoad], armOptions({ GATEWAY_FAIRNESS: "vtc", GATEWAY_TENANTS: tenants(1, 1) }));
const vtc = await runFairnessArm("A floods, B interactive: fair queueing (VTC)", [aLoad, bLoad], armOptions({ GATEWAY_FAIRNESS: "vtc", GATEWAY_TENANTS: tenants(1, 1) }));
const headroom = await runFairnessArm(
  `A floods, B interactive: fair queueing with ${headroomSeqs} slots of headroom`,
  [aLoad, bLoad],
  armOptions({ GATEWAY_FAIRNESS: "vtc", GATEWAY_TENANTS: tenants(1, 1), GATEWAY_FAIR_HEADROOM_SEQS: headroomSeqs }),
);
const fcfs = await runFairnessArm("A floods, B interactive: today's order (GATEWAY_FAIRNESS=off)", [aLoad, bLoad], armOptions({ GATEWAY_FAIRNESS: "off", GATEWAY_TENANTS: tenants(1, 1) }));
// Weights 3:1, both backlogged: each sends A-shaped requests at 1.5x the capacity.
const heavy = { ...A_SHAPE, rate: (1.5 * capacityTokensPerS) / tokensPerA };
const weighted = await runFairnessArm(
  "weights 3:1, both backlogged (VTC)",
  [tenantLoad("A", heavy, durationS, seed + 30, tokenizer), tenantLoad("B", heavy, durationS, seed + 40, tokenizer)],
  armOptions({ GATEWAY_FAIRNESS: "vtc", GATEWAY_TENANTS: tenants(3, 1) }),
);

const armFigures = (run: ArmRun) => {
  const served = Object.fromEntries(Object.entries(run.outputs).map(([t, o]) => [t, servedIn(o, window)]));
  const b = run.outputs["B"] ?? [];
  return {
    name: run.name,
    sent: Object.fromEntries(Object.entries(run.outputs).map(([t, o]) => [t, o.length])),
    served,
    totalTokensPerS: Object.values(served).reduce((n, s) => n + s.tokensPerS, 0),
    bTtft: { p50: ttftPercentile(b, 50, window, run.cutOffAt), p95: ttftPercentile(b, 95, window, run.cutOffAt), p99: ttftPercentile(b, 99, window, run.cutOffAt) },
    bUnfinished: unfinishedIn(b, window),
  };
};
const figures = { alone: armFigures(alone), vtc: armFigures(vtc), headroom: armFigures(headroom), fcfs: armFigures(fcfs), weighted: armFigures(weighted) };
/** What fair queueing (with or without headroom) did beside B alone and today's order. */
const against = (arm: typeof figures.vtc) => ({
  bP95OverAlone: arm.bTtft.p95.ms / figures.alone.bTtft.p95.ms,
  throughputOverFcfs: arm.totalTokensPerS / figures.fcfs.totalTokensPerS,
  // A's rate against what B left of today's order's total.
  aOverLeftByB: arm.served["A"]!.tokensPerS / (figures.fcfs.totalTokensPerS - arm.served["B"]!.tokensPerS),
});
const aTokens = figures.weighted.served["A"]!.tokens;
const bTokens = figures.weighted.served["B"]!.tokens;
const result: FairnessResult = {
  profile: SIM_PROFILE,
  maxNumSeqs: Number(maxNumSeqs),
  timeScale,
  durationS,
  window,
  graceS,
  machine: { cpus: cpus().length, uptimeBefore: started, uptimeAfter: uptime() },
  capacity: { requestsPerS: capacityRequestsPerS, tokensPerS: capacityTokensPerS },
  loads: { A: aShape, B: bShape, weightedEach: heavy },
  arms: figures,
  headroomSeqs: Number(headroomSeqs),
  summary: {
    vtc: against(figures.vtc),
    headroom: against(figures.headroom),
    bP95FcfsOverAlone: figures.fcfs.bTtft.p95.ms / figures.alone.bTtft.p95.ms,
    bP95FcfsIsLowerBound: figures.fcfs.bTtft.p95.lowerBound,
    weightedShareA: aTokens / (aTokens + bTokens),
    weightedRatio: aTokens / bTokens,
  },
};
const dir = resolve(args.out, "fairness");
await mkdir(dir, { recursive: true });
await writeFile(join(dir, "result.json"), JSON.stringify(result, null, 2));
await writeFile(join(dir, "report.md"), fairnessReport(result));
const docsFigures = writeDocsFigures("fairness", invokedAs("bench-fairness"), fairnessReport(result));
process.stdout.write(`${fairnessReport(result)}\nWrote ${join(dir, "result.json")}, report.md and ${docsFigures}\n`);
