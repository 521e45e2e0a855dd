// `bench batching`, `bench sjf`, `bench tpot`: side-by-side experiments, one command each, each
// writing bench-results/<name>/result.json and report.html.
import { Command, InvalidArgumentError } from "commander";
import type { ReportSection } from "../report/html-report.js";
import { barOption } from "../report/chart-options.js";
import { invokedAs } from "../report/figure-file.js";
import { armsCharts, armsTable, kindCdf, kindStats } from "./arms-report.js";
import { runBatchingExperiment } from "./batching-experiment.js";
import type { ArmResult } from "./experiment-arm.js";
import { numberOption } from "./number-option.js";
import { DEFAULT_RESULTS_DIR, writeExperiment } from "./experiment-output.js";
import { SIM_PROFILE } from "./sim-stack.js";
import { runSjfExperiment } from "./sjf-experiment.js";
import { renderTextTable } from "./text-table.js";
import { runTpotExperiment } from "./tpot-experiment.js";

const number = numberOption;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (m: Record<string, unknown>, k: string) => (typeof m[k] === "number" ? (m[k]) : 0);

interface Finish {
  name: string;
  title: string;
  options: Record<string, unknown>;
  arms: ArmResult[];
  headline: string[];
  extra?: ReportSection[];
  resultsDir: string;
  out: (s: string) => void;
}

async function finish(f: Finish): Promise<void> {
  const command = `node --import tsx tools/bench/src/main.ts ${process.argv.slice(2).join(" ")}`;
  const table = armsTable(f.arms);
  const files = await writeExperiment(
    f.resultsDir,
    f.name,
    { experiment: f.name, options: f.options, headline: f.headline, arms: f.arms.map((a) => ({ name: a.name, ...a.metrics })) },
    {
      title: f.title,
      summary: [...f.headline, `Simulator profile ${SIM_PROFILE}; all times are the simulator's virtual time (wall time / time scale; options below).`],
      sections: [{ heading: "Arms", table, commands: [command], paragraphs: [`Options: ${JSON.stringify(f.options)}`] }, ...(f.extra ?? []), { heading: "Latency and throughput", charts: armsCharts(f.arms) }],
    },
    { command: invokedAs(`bench-${f.name}`, process.argv.slice(3)) },
  );
  f.out(renderTextTable(table.columns, table.rows));
  for (const h of f.headline) f.out(h);
  f.out(`Wrote ${files.json}, ${files.html} and ${files.figures}`);
}

export function sideBySideCommands(out: (s: string) => void): Command[] {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const batching = new Command("batching")
    .description("sequential vs static batch vs continuous batching (gateway) on restaurants x reviews")
    .option("--restaurants <n>", "restaurants", number("--restaurants", 1), 10)
    .option("--reviews <n>", "reviews per restaurant", number("--reviews", 1), 50)
    .option("--batch-size <n>", "static batch size", number("--batch-size", 1), 50)
    .option("--output-len <n>", "mean output tokens per review", number("--output-len", 2), 64)
    .option("--seed <n>", "seed", number("--seed"), 42)
    .option("--sequential-time-scale <s>", "time scale of the sequential arm", number("--sequential-time-scale", 0.001), 0.1)
    .option("--time-scale <s>", "time scale of the batched arms", number("--time-scale", 0.001), 2)
    .option("--results-dir <dir>", "where to write", DEFAULT_RESULTS_DIR)
    .action(async (o: { restaurants: number; reviews: number; batchSize: number; outputLen: number; seed: number; sequentialTimeScale: number; timeScale: number; resultsDir: string }) => {
      const arms = await runBatchingExperiment({ restaurants: o.restaurants, reviewsPerRestaurant: o.reviews, batchSize: o.batchSize, outputLen: o.outputLen, seed: o.seed, sequentialTimeScale: o.sequentialTimeScale, timeScale: o.timeScale, log });
      const seq = arms[0]!.durationS;
      const headline = arms.map((a) => `${a.name}: ${a.durationS.toFixed(1)} s for ${a.outputs.length} reviews (${(seq / a.durationS).toFixed(1)}x sequential)`);
      await finish({
        name: "batching", title: `Batching: ${o.restaurants} restaurants x ${o.reviews} reviews`, options: o, arms, headline, resultsDir: o.resultsDir, out,
        extra: [{ heading: "Time to analyse every review", charts: [{ title: "Makespan (virtual s)", option: barOption(arms.map((a) => a.name), { seconds: arms.map((a) => Number(a.durationS.toFixed(2))) }, "s") }] }],
      });
    });

  const sjf = new Command("sjf")
    .description("SJF by prefill cost (gateway) vs FCFS (vLLM's scheduler) under an 80/20 small/large mix in bursts")
    .option("--num-prompts <n>", "requests", number("--num-prompts", 10), 300)
    .option("--small-share <x>", "share of small prompts", number("--small-share"), 0.8)
    .option("--small-input-len <n>", "small prompt tokens", number("--small-input-len", 1), 256)
    .option("--large-input-len <n>", "large prompt tokens", number("--large-input-len", 1), 6000)
    .option("--output-len <n>", "output tokens", number("--output-len", 1), 32)
    .option("--request-rate <r>", "requests per second (virtual)", number("--request-rate", 0.01), 12)
    .option("--burstiness <b>", "gamma shape of arrivals (< 1: bursts)", number("--burstiness", 0.01), 0.25)
    .option("--seed <n>", "seed", number("--seed"), 0)
    .option("--time-scale <s>", "time scale", number("--time-scale", 0.001), 2)
    .option("--sim-args <args>", "extra vllm-sim flags", "")
    .option("--results-dir <dir>", "where to write", DEFAULT_RESULTS_DIR)
    .action(async (o: { numPrompts: number; smallShare: number; smallInputLen: number; largeInputLen: number; outputLen: number; requestRate: number; burstiness: number; seed: number; timeScale: number; simArgs: string; resultsDir: string }) => {
      const arms = await runSjfExperiment({ ...o, simArgs: o.simArgs.split(" ").filter(Boolean), log });
      const stats = arms.map((a) => ({ arm: a.name, small: kindStats(a.outputs, "small"), large: kindStats(a.outputs, "large") }));
      const [fcfs, sjfArm] = stats;
      const headline = stats.map((s) => `${s.arm}: small prompts p50 TTFT ${s.small.p50.toFixed(0)} ms, p95 ${s.small.p95.toFixed(0)} ms, SLA ${pct(s.small.sla)}; large prompts p95 TTFT ${s.large.p95.toFixed(0)} ms, SLA ${pct(s.large.sla)}`);
      if (fcfs && sjfArm && fcfs.small.p95 > 0) headline.push(`Small prompts' p95 TTFT under SJF is ${pct(sjfArm.small.p95 / fcfs.small.p95)} of FCFS's (overall SLA ${pct((fcfs.small.sla * fcfs.small.count + fcfs.large.sla * fcfs.large.count) / (fcfs.small.count + fcfs.large.count))} -> ${pct((sjfArm.small.sla * sjfArm.small.count + sjfArm.large.sla * sjfArm.large.count) / (sjfArm.small.count + sjfArm.large.count))}).`);
      await finish({
        name: "sjf", title: "SJF by prefill cost vs FCFS under an 80/20 mix", options: o, arms, headline, resultsDir: o.resultsDir, out,
        extra: [
          {
            heading: "Small vs large prompts",
            table: { columns: ["arm", "kind", "requests", "p50 TTFT (ms)", "p95 TTFT (ms)", "p99 TTFT (ms)", "SLA (TTFT < 2 s)"], rows: stats.flatMap((s) => (["small", "large"] as const).map((k) => [s.arm, k, s[k].count, s[k].p50, s[k].p95, s[k].p99, pct(s[k].sla)])) },
            charts: [kindCdf(arms, "small"), kindCdf(arms, "large")],
          },
        ],
      });
    });

  const tpot = new Command("tpot")
    .description("TPOT against output length through the gateway")
    .option("--output-lens <list>", "output lengths", "128,256,512,1024")
    .option("--num-prompts <n>", "requests per length", number("--num-prompts", 1), 16)
    .option("--input-len <n>", "prompt tokens", number("--input-len", 1), 512)
    .option("--max-concurrency <n>", "requests in flight", number("--max-concurrency", 1), 8)
    .option("--seed <n>", "seed", number("--seed"), 0)
    .option("--time-scale <s>", "time scale", number("--time-scale", 0.001), 1)
    .option("--results-dir <dir>", "where to write", DEFAULT_RESULTS_DIR)
    .action(async (o: { outputLens: string; numPrompts: number; inputLen: number; maxConcurrency: number; seed: number; timeScale: number; resultsDir: string }) => {
      const outputLens = o.outputLens.split(",").map(Number);
      if (outputLens.some((l) => !Number.isInteger(l) || l < 2)) throw new InvalidArgumentError("--output-lens must be integers >= 2");
      const arms = await runTpotExperiment({ ...o, outputLens, log });
      const base = num(arms[0]!.metrics, "mean_tpot_ms");
      const headline = arms.map((a) => `${a.name}: mean TPOT ${num(a.metrics, "mean_tpot_ms").toFixed(2)} ms, p99 ${num(a.metrics, "p99_tpot_ms").toFixed(2)} ms (${(num(a.metrics, "mean_tpot_ms") / base).toFixed(2)}x the shortest)`);
      await finish({
        name: "tpot", title: "TPOT against output length", options: o, arms, headline, resultsDir: o.resultsDir, out,
        extra: [{ heading: "TPOT by output length", charts: [{ title: "TPOT (ms)", option: barOption(arms.map((a) => a.name), { mean: arms.map((a) => num(a.metrics, "mean_tpot_ms")), p99: arms.map((a) => num(a.metrics, "p99_tpot_ms")) }, "ms") }] }],
      });
    });
  return [batching, sjf, tpot];
}
