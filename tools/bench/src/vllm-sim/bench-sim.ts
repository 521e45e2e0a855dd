// make bench-sim: the simulator's figures, written to bench-results/vllm-sim/ (JSON + report.md;
// BENCH_SIM_PROFILE=qwen2.5-7b-h200 writes bench-results/vllm-sim-h200/). `make bench-sim` then
// runs `bench calibrate`: the profiles against the published vLLM runs, one row per reference.
//  1. step time at batch 1/64/128/256 from the engine's step log against the profile formula, and
//     the wall-clock overhead of the simulator at time scale 1;
//  2. the profile's kernel terms against the raw GPU measurements they were fitted to;
//  3. saturated throughput for random 1024-token prompts with 128-token outputs (virtual time);
//  4. sustained SSE streaming at time scale 1: tokens/s delivered and the simulator's CPU.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, startServiceProcess, type ServiceProcess } from "@reviewlens/testkit";
import { kernelDurationMs, profiles, stepDurationMs, type CostProfile, type StepRecord } from "@reviewlens/vllm-sim";
import { RandomSource } from "../load/random-source.js";
import { invokedAs, writeDocsFigures } from "../report/figure-file.js";
import { cpuSeconds, runSseLoad } from "./sse-load.js";

const profileName = process.env["BENCH_SIM_PROFILE"] ?? "qwen2.5-7b-h100";
const profile: CostProfile =
  profiles[profileName] ??
  (() => {
    throw new Error(`BENCH_SIM_PROFILE must be one of ${Object.keys(profiles).join(", ")}, got ${profileName}`);
  })();
const gpu = profileName.split("-").at(-1)!;
const outDir = join(repoRoot, "bench-results", gpu === "h100" ? "vllm-sim" : `vllm-sim-${gpu}`);
// The shared calibration folder sits beside the repository (../shared), as the project's docs say.
const calibrationFile = process.env["CALIBRATION_FILE"] ?? join(repoRoot, "..", "shared", "calibration", `${gpu}-qwen2.5-7b.json`);
const quick = process.env["BENCH_QUICK"] === "1";
const log = (msg: string) => process.stderr.write(`${msg}\n`);

interface Sim {
  process: ServiceProcess;
  url: string;
}

async function startSim(args: string[]): Promise<Sim> {
  const process = await startServiceProcess({
    entry: "services/vllm-sim/src/main.ts",
    args: ["--port", "0", "--host", "127.0.0.1", ...args],
    env: { LOG_LEVEL: "info" },
    readyWhen: (line) => typeof line["port"] === "number",
  });
  const port = process.logs.find((l) => typeof l["port"] === "number")!["port"];
  return { process, url: `http://127.0.0.1:${String(port)}` };
}

async function steps(sim: Sim, since: number): Promise<StepRecord[]> {
  const res = await fetch(`${sim.url}/sim/steps?limit=100000&since=${since}`);
  return ((await res.json()) as { steps: StepRecord[] }).steps;
}

async function lastStepIndex(sim: Sim): Promise<number> {
  const res = await fetch(`${sim.url}/sim/steps?limit=1`);
  const s = ((await res.json()) as { steps: StepRecord[] }).steps;
  return s.length > 0 ? s[0]!.index : -1;
}

const random = new RandomSource(42);
/** A prompt of exactly `n` random token ids (distinct per call, so no prefix-cache hits). */
const randomPrompt = (n: number) => Array.from({ length: n }, () => random.int(1000, 100_000));

async function complete(sim: Sim, prompt: number[], maxTokens: number): Promise<void> {
  const res = await fetch(`${sim.url}/v1/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt, max_tokens: maxTokens, ignore_eos: true }),
  });
  if (!res.ok) throw new Error(`completion failed: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

const decodeFormulaMs = (batch: number, context: number) => stepDurationMs(profile, { decodeSeqs: batch, decodeContextTokens: context, prefillTokens: 0, prefillAttention: 0 });

async function stepTimes() {
  const sim = await startSim(["--time-scale", "1", "--profile", profile.name]);
  const promptLen = 512;
  const outputLen = 64;
  const rows = [];
  try {
    for (const batch of [1, 64, 128, 256]) {
      const since = await lastStepIndex(sim);
      const t0 = performance.now();
      await Promise.all(Array.from({ length: batch }, () => complete(sim, randomPrompt(promptLen), outputLen)));
      const wallMs = performance.now() - t0;
      const run = await steps(sim, since);
      const virtualMs = run.reduce((s, r) => s + r.durationMs, 0);
      // Pure decode steps with the whole batch: each adds exactly one token of context per sequence.
      const decode = run.filter((r) => r.decodeSeqs === batch && r.prefillTokens === 0);
      let maxAbsErrorMs = 0;
      let contextMismatches = 0;
      decode.forEach((r, k) => {
        const previous = decode[k - 1];
        if (previous && r.index === previous.index + 1 && r.decodeContextTokens - previous.decodeContextTokens !== batch) contextMismatches++;
        const expected = decodeFormulaMs(batch, r.decodeContextTokens);
        maxAbsErrorMs = Math.max(maxAbsErrorMs, Math.abs(r.durationMs - expected));
      });
      const first = decode[0];
      const lags = run.map((r) => r.lagMs).sort((a, b) => a - b);
      rows.push({
        batch,
        promptLen,
        decodeSteps: decode.length,
        firstDecodeStepMs: first?.durationMs,
        formulaMs: first ? decodeFormulaMs(batch, first.decodeContextTokens) : undefined,
        maxAbsErrorMs,
        contextMismatches,
        virtualMs,
        wallMs,
        wallOverheadPct: (wallMs / virtualMs - 1) * 100,
        meanLagMs: lags.reduce((a, b) => a + b, 0) / Math.max(1, lags.length),
        p99LagMs: lags[Math.floor(lags.length * 0.99)] ?? 0,
      });
      log(`step time batch ${batch}: ${first?.durationMs.toFixed(4)} ms virtual, max |error| ${maxAbsErrorMs.toExponential(2)} ms, mean lag ${rows.at(-1)!.meanLagMs.toFixed(2)} ms, client wall/virtual ${(wallMs / virtualMs).toFixed(3)}`);
    }
  } finally {
    await sim.process.stop();
  }
  return rows;
}

function calibrationFit() {
  if (!existsSync(calibrationFile)) return { skipped: `${calibrationFile} not found` };
  const data = JSON.parse(readFileSync(calibrationFile, "utf8")) as {
    decode: Array<{ batch: number; context: number; ms: number }>;
    prefill: Array<{ tokens: number; ms: number }>;
  };
  const raw = { ...profile, overheadFactor: 1 };
  const decode = data.decode.map((p) => {
    const model = kernelDurationMs(raw, { decodeSeqs: p.batch, decodeContextTokens: p.batch * p.context, prefillTokens: 0, prefillAttention: 0 });
    return { ...p, modelMs: model, relError: model / p.ms - 1 };
  });
  const prefill = data.prefill.map((p) => {
    const model = kernelDurationMs(raw, { decodeSeqs: 0, decodeContextTokens: 0, prefillTokens: p.tokens, prefillAttention: p.tokens * p.tokens });
    return { ...p, modelMs: model, relError: model / p.ms - 1 };
  });
  const worst = (rows: Array<{ relError: number }>) => Math.max(...rows.map((r) => Math.abs(r.relError)));
  log(`profile kernels vs ${gpu.toUpperCase()} points: decode max |rel error| ${(worst(decode) * 100).toFixed(1)}%, prefill ${(worst(prefill) * 100).toFixed(1)}%`);
  return { decode, prefill, decodeMaxRelError: worst(decode), prefillMaxRelError: worst(prefill) };
}

async function saturatedThroughput(promptLen: number, outputLen: number) {
  // Real time: at faster scales the client cannot send requests fast enough to saturate the engine.
  const timeScale = 1;
  const sim = await startSim(["--time-scale", String(timeScale), "--profile", profile.name]);
  const requests = quick ? 600 : 2000;
  try {
    const since = await lastStepIndex(sim);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: requests }, () => complete(sim, randomPrompt(promptLen), outputLen)));
    const wallMs = performance.now() - t0;
    const run = await steps(sim, since);
    const sum = (rows: StepRecord[], f: (r: StepRecord) => number) => rows.reduce((s, r) => s + f(r), 0);
    const virtualMs = sum(run, (r) => r.durationMs);
    const saturated = run.filter((r) => r.waiting > 0);
    const satTokens = sum(saturated, (r) => r.generatedTokens);
    const satMs = sum(saturated, (r) => r.durationMs);
    const result = {
      requests,
      promptLen,
      outputLen,
      steps: run.length,
      makespanVirtualS: virtualMs / 1000,
      overallOutputTokPerS: (requests * outputLen) / (virtualMs / 1000),
      saturatedOutputTokPerS: satTokens / (satMs / 1000),
      saturatedTotalTokPerS: (sum(saturated, (r) => r.prefillTokens) + satTokens) / (satMs / 1000),
      meanRunningWhileSaturated: sum(saturated, (r) => r.running) / Math.max(1, saturated.length),
      meanStepMsWhileSaturated: satMs / Math.max(1, saturated.length),
      preemptions: sum(run, (r) => r.preempted),
      wallMs,
      timeScale,
    };
    log(`saturated ${promptLen}/${outputLen}: ${result.overallOutputTokPerS.toFixed(0)} output tok/s over the whole batch, ${result.saturatedOutputTokPerS.toFixed(0)} while requests queue`);
    return result;
  } finally {
    await sim.process.stop();
  }
}

async function streaming() {
  const sim = await startSim(["--time-scale", "1", "--profile", profile.name]);
  const rows = [];
  const body = { prompt: "How was the food at this restaurant?", max_tokens: 256, ignore_eos: true };
  try {
    for (const concurrency of quick ? [128] : [128, 256]) {
      await runSseLoad(`${sim.url}/v1/completions`, body, concurrency, 1500); // warm up to a steady batch
      const since = await lastStepIndex(sim);
      const cpu0 = await cpuSeconds(sim.process.child.pid!);
      const client0 = process.cpuUsage();
      const r = await runSseLoad(`${sim.url}/v1/completions`, body, concurrency, quick ? 4000 : 8000);
      const cpu1 = await cpuSeconds(sim.process.child.pid!);
      const client = process.cpuUsage(client0);
      const run = await steps(sim, since);
      const virtualMs = run.reduce((s, x) => s + x.durationMs, 0);
      const profileRate = run.reduce((s, x) => s + x.generatedTokens, 0) / (virtualMs / 1000);
      const row = {
        concurrency,
        sseTokPerS: r.tokens / (r.wallMs / 1000),
        profileTokPerS: profileRate,
        deliveredVsProfile: r.tokens / (r.wallMs / 1000) / profileRate,
        simCpuCores: (cpu1 - cpu0) / (r.wallMs / 1000),
        clientCpuCores: (client.user + client.system) / 1000 / r.wallMs,
        requests: r.requests,
        errors: r.errors,
      };
      rows.push(row);
      log(`SSE c=${concurrency}: ${row.sseTokPerS.toFixed(0)} tok/s delivered (${(row.deliveredVsProfile * 100).toFixed(0)}% of the profile's ${profileRate.toFixed(0)}), sim CPU ${row.simCpuCores.toFixed(2)} cores`);
    }
  } finally {
    await sim.process.stop();
  }
  return rows;
}

function report(results: Record<string, unknown> & { stepTimes: Array<Record<string, unknown>>; streaming: Array<Record<string, unknown>>; saturated: Array<Record<string, number>> }): string {
  const f = (v: unknown, d = 2) => (typeof v === "number" ? v.toFixed(d) : String(v));
  const lines = [
    "# vllm-sim benchmark",
    "",
    `Run ${String(results["startedAt"])}, profile ${profile.name} (kernel factor ${profile.overheadFactor}; vLLM overhead ${profile.stepOverheadMs} ms per step, ${profile.perDecodeSeqOverheadMs} ms per sequence, ${profile.perContextTokenOverheadMs} ms per context token). On a shared 2-core machine.`,
    "",
    "## Step time (decode, 512-token prompts) vs the profile formula",
    "Lag: how much later than its ideal wall time a step's tokens were computed (the simulator's own overhead).",
    "Client wall/virtual: the whole batch's HTTP round trip against the engine's busy virtual time.",
    "",
    "| batch | step ms (virtual) | formula ms | max abs error ms | mean lag ms | p99 lag ms | client wall / virtual |",
    "|---|---|---|---|---|---|---|",
    ...results.stepTimes.map(
      (r) =>
        `| ${f(r["batch"], 0)} | ${f(r["firstDecodeStepMs"], 4)} | ${f(r["formulaMs"], 4)} | ${Number(r["maxAbsErrorMs"]).toExponential(1)} | ${f(r["meanLagMs"])} | ${f(r["p99LagMs"])} | ${f(1 + Number(r["wallOverheadPct"]) / 100, 3)} |`,
    ),
    "",
    "## Saturated throughput (2000 requests sent at once, ignore_eos)",
    "Whole batch: output tokens / virtual makespan (as vLLM's throughput benchmark). While queued: only steps with waiting requests. The published vLLM runs, side by side with the simulator, are in reference-points.md (`bench calibrate`).",
    "",
    "| prompt / output tokens | output tok/s, whole batch | output tok/s while queued | mean batch while queued | mean step ms |",
    "|---|---|---|---|---|",
    ...results.saturated.map(
      (r) =>
        `| ${f(r["promptLen"], 0)} / ${f(r["outputLen"], 0)} | ${f(r["overallOutputTokPerS"], 0)} | ${f(r["saturatedOutputTokPerS"], 0)} | ${f(r["meanRunningWhileSaturated"], 0)} | ${f(r["meanStepMsWhileSaturated"], 1)} |`,
    ),
    "",
    "## SSE streaming at time scale 1",
    "| concurrency | delivered tok/s | profile tok/s | delivered/profile | sim CPU cores | client CPU cores |",
    "|---|---|---|---|---|---|",
    ...results.streaming.map((r) => `| ${f(r["concurrency"], 0)} | ${f(r["sseTokPerS"], 0)} | ${f(r["profileTokPerS"], 0)} | ${f(r["deliveredVsProfile"], 3)} | ${f(r["simCpuCores"])} | ${f(r["clientCpuCores"])} |`),
    "",
  ];
  return lines.join("\n");
}

const startedAt = new Date().toISOString();
const results = {
  startedAt,
  profile,
  calibration: calibrationFit(),
  stepTimes: await stepTimes(),
  // The random 1024/128 workload, and ShareGPT's mean lengths (about 220 prompt and 200 output tokens) at fixed lengths.
  saturated: [await saturatedThroughput(1024, 128), await saturatedThroughput(220, 200)],
  streaming: await streaming(),
};
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "bench-sim.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(outDir, "report.md"), report(results));
const figuresFile = writeDocsFigures(`vllm-sim-${gpu}`, invokedAs("bench-sim", []), report(results));
log(`wrote ${join(outDir, "bench-sim.json")}, report.md and ${figuresFile}`);
