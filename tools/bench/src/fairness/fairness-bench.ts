// make bench-fairness: tenant A floods at 5x its fair share while tenant B sends its normal
// interactive load (same class), on vllm-sim's H100 profile behind the gateway, with fair queueing
// (VTC), with fair headroom, and with today's order (GATEWAY_FAIRNESS=off); B alone as the
// baseline, and a floor arm where A's client never has more than a cap of requests in flight (B
// never waits for a sequence slot: what is left is B's prefill sharing steps with A's batch); then
// weights 3:1 with both backlogged. Figures to bench-results/fairness/result.json and report.md, and
// to docs/figures/fairness.md (included by docs/benchmarks.md) when every arm ran (`--arms` picks
// some, for quicker iterations; `--capacity` skips the probe).
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
import { gatewayTimingsIn, servedIn, ttftPercentile, unfinishedIn, type Window } from "./fairness-figures.js";
import { ARM_KEYS, fairnessReport, fairnessSummary, parseArms, type ArmFigures, type ArmKey, type FairnessResult } from "./fairness-report.js";

const { values: args } = parseArgs({
  options: {
    "time-scale": { type: "string", default: "4" },
    duration: { type: "string", default: "40" },
    warmup: { type: "string", default: "10" },
    grace: { type: "string", default: "10" },
    "max-num-seqs": { type: "string", default: "64" },
    headroom: { type: "string", default: "auto" },
    "floor-cap": { type: "string" },
    arms: { type: "string", default: "all" },
    capacity: { type: "string" },
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
// Well below the slots: B's requests in flight (a few, at most about 15 in a burst) always find one.
const floorCap = Number(args["floor-cap"] ?? Math.round(0.75 * Number(maxNumSeqs)));
const arms = parseArms(args.arms);
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
log(`fairness benchmark on ${SIM_PROFILE} (--max-num-seqs ${maxNumSeqs}), time scale ${timeScale}, ${durationS} s arms (${arms.join(", ")}); ${started}`);
const tokenizer = loadQwenTokenizer();

/** Capacity: A-shaped requests all at once through the gateway, until done (or as given). */
async function measureCapacity(): Promise<number> {
  const probeRequests = randomDataset({ numPrompts: 4 * Number(maxNumSeqs), ...A_SHAPE, prefixLen: 0 }, new RandomSource(seed), tokenizer);
  const probeStack = await startSimStack({ timeScale, simArgs, gateway: true, gatewayEnv: baseEnv });
  try {
    const probe = await runArm({ name: "capacity probe", target: probeStack.viaGateway(), requests: probeRequests, timeScale, log });
    return probe.metrics["request_throughput"] as number;
  } finally {
    await probeStack.stop();
  }
}
const capacityRequestsPerS = args.capacity !== undefined ? Number(args.capacity) : await measureCapacity();
const tokensPerA = A_SHAPE.inputLen + A_SHAPE.outputLen;
const tokensPerB = B_SHAPE.inputLen + B_SHAPE.outputLen;
const capacityTokensPerS = capacityRequestsPerS * tokensPerA;
// B: its normal load, a fifth of the capacity in tokens. A: five times its fair share (half the capacity).
const bShape: LoadShape = { ...B_SHAPE, rate: (0.2 * capacityTokensPerS) / tokensPerB };
const aShape: LoadShape = { ...A_SHAPE, rate: (5 * 0.5 * capacityTokensPerS) / tokensPerA };
// Weights 3:1, both backlogged: each sends A-shaped requests at 1.5x the capacity.
const heavy = { ...A_SHAPE, rate: (1.5 * capacityTokensPerS) / tokensPerA };
log(`capacity ${capacityRequestsPerS.toFixed(2)} A-requests/s (${Math.round(capacityTokensPerS)} tokens/s); B ${bShape.rate.toFixed(2)} req/s, A ${aShape.rate.toFixed(2)} req/s`);

const armOptions = (gatewayEnv: Record<string, string>) => ({ timeScale, simArgs, gatewayEnv: { ...baseEnv, ...gatewayEnv }, durationS, graceS, log });
const bLoad = tenantLoad("B", bShape, durationS, seed + 10, tokenizer);
const aLoad = tenantLoad("A", aShape, durationS, seed + 20, tokenizer);
// Fair queueing alone (headroom off, not the gateway's default `auto`); the headroom arm adds it.
const fair = { GATEWAY_FAIRNESS: "vtc", GATEWAY_TENANTS: tenants(1, 1), GATEWAY_FAIR_HEADROOM_SEQS: "0" };
const armDefinitions: Record<ArmKey, () => Promise<ArmRun>> = {
  alone: () => runFairnessArm("B alone (fair queueing)", [bLoad], armOptions(fair)),
  vtc: () => runFairnessArm("A floods, B interactive: fair queueing (VTC)", [aLoad, bLoad], armOptions(fair)),
  headroom: () =>
    runFairnessArm(
      `A floods, B interactive: fair queueing, headroom ${headroomSeqs === "auto" ? "sized from B's arrivals (auto)" : `of ${headroomSeqs} slots`}`,
      [aLoad, bLoad],
      // The gateway's clock is wall time: its default window of 2 s, in the simulator's virtual seconds.
      armOptions({ ...fair, GATEWAY_FAIR_HEADROOM_SEQS: headroomSeqs, GATEWAY_FAIR_HEADROOM_WINDOW_MS: String(2_000 * timeScale) }),
    ),
  floor: () => runFairnessArm(`floor: A floods with at most ${floorCap} in flight (its client's cap), B interactive, fair queueing`, [{ ...aLoad, maxConcurrency: floorCap }, bLoad], armOptions(fair)),
  fcfs: () => runFairnessArm("A floods, B interactive: today's order (GATEWAY_FAIRNESS=off)", [aLoad, bLoad], armOptions({ ...fair, GATEWAY_FAIRNESS: "off" })),
  weighted: () =>
    runFairnessArm(
      "weights 3:1, both backlogged (VTC)",
      [tenantLoad("A", heavy, durationS, seed + 30, tokenizer), tenantLoad("B", heavy, durationS, seed + 40, tokenizer)],
      armOptions({ GATEWAY_FAIRNESS: "vtc", GATEWAY_TENANTS: tenants(3, 1) }),
    ),
};

const armFigures = (run: ArmRun): ArmFigures => {
  const served = Object.fromEntries(Object.entries(run.outputs).map(([t, o]) => [t, servedIn(o, window)]));
  const b = run.outputs["B"] ?? [];
  return {
    name: run.name,
    sent: Object.fromEntries(Object.entries(run.outputs).map(([t, o]) => [t, o.length])),
    served,
    totalTokensPerS: Object.values(served).reduce((n, s) => n + s.tokensPerS, 0),
    bTtft: { p50: ttftPercentile(b, 50, window, run.cutOffAt), p95: ttftPercentile(b, 95, window, run.cutOffAt), p99: ttftPercentile(b, 99, window, run.cutOffAt) },
    bUnfinished: unfinishedIn(b, window),
    bGateway: gatewayTimingsIn(b, window),
  };
};
const figures: Partial<Record<ArmKey, ArmFigures>> = {};
for (const key of arms) figures[key] = armFigures(await armDefinitions[key]());

const result: FairnessResult = {
  profile: SIM_PROFILE,
  maxNumSeqs: Number(maxNumSeqs),
  timeScale,
  durationS,
  window,
  graceS,
  machine: { cpus: cpus().length, uptimeBefore: started, uptimeAfter: uptime() },
  capacity: { requestsPerS: capacityRequestsPerS, tokensPerS: capacityTokensPerS, measured: args.capacity === undefined },
  loads: { A: aShape, B: bShape, weightedEach: heavy },
  floorCap,
  arms: figures,
  summary: fairnessSummary(figures),
};
const dir = resolve(args.out, "fairness");
await mkdir(dir, { recursive: true });
await writeFile(join(dir, "result.json"), JSON.stringify(result, null, 2));
await writeFile(join(dir, "report.md"), fairnessReport(result));
// The docs show a whole run only: every arm, the capacity measured.
const complete = arms.length === ARM_KEYS.length && result.capacity.measured;
const docsFigures = complete ? writeDocsFigures("fairness", invokedAs("bench-fairness"), fairnessReport(result)) : undefined;
process.stdout.write(`${fairnessReport(result)}\nWrote ${join(dir, "result.json")}, report.md${docsFigures ? ` and ${docsFigures}` : " (not the docs' figures: a partial run)"}\n`);
