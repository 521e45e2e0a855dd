// `bench calibrate`: the simulator's profiles against the published vLLM runs, one row per
// reference point with the ratios (virtual time, seconds), written to bench-results/vllm-sim/;
// `--fit` first refits vLLM's overhead terms on the H100 kernels and reports the fitted profile.
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { qwen25_7b_h100, qwen25_7b_h200, type CostProfile } from "@reviewlens/vllm-sim";
import { DEFAULT_RESULTS_DIR } from "../experiments/experiment-output.js";
import { renderTextTable } from "../experiments/text-table.js";
import { fitOverheads, ReferenceReplays, withinTolerance, type Comparison, type FitResult } from "./fit-overheads.js";
import { loadReferenceSet, referenceTpotMs, type ReferencePoint } from "./reference-points.js";
import { writeDocsFigures } from "../report/figure-file.js";

const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

function workloadText(p: ReferencePoint): string {
  const w = p.workload;
  const shape = w.dataset === "sharegpt" ? `ShareGPT x${w.numPrompts} (${f0(w.totalInputTokens / w.numPrompts)} in / ${f0(w.totalOutputTokens / w.numPrompts)} out)` : `${w.inputLen} in / ${w.outputLen} out x${w.numPrompts}`;
  return `${shape}, ${w.requestRate === null ? "all at once" : `${w.requestRate} req/s`}`;
}

const verdict = (c: Comparison) => (withinTolerance(c) ? "yes" : c.point.mustMeet ? "NO" : "not held (see why)");

export function referenceTable(h100: Comparison[], h200: Comparison[]): string {
  const lines = [
    "| reference (source) | workload | vLLM, engine | output tok/s: published / sim / ratio | TPOT ms: published / sim / ratio | within 20% | H200 sim: tok/s, TPOT ms (x H100) |",
    "|---|---|---|---|---|---|---|",
  ];
  h100.forEach((c, k) => {
    const p = c.point;
    const g = h200[k]!;
    const tpotKind = p.compareTpot === "median" ? " (median)" : p.compareTpot === "asyncRun" ? " (async run)" : "";
    lines.push(
      `| [${p.id}](${p.source.url}) | ${workloadText(p)} | ${p.vllm}; ${p.engine} | ${f0(p.reported.outputTokPerS)} / ${f0(c.sim.outputTokPerS)} / ${f2(c.throughputRatio)} | ${f1(referenceTpotMs(p))} / ${f1(c.simTpotMs)} / ${f2(c.tpotRatio)}${tpotKind} | ${verdict(c)} | ${f0(g.sim.outputTokPerS)} (${f2(g.sim.outputTokPerS / c.sim.outputTokPerS)}), ${f1(g.simTpotMs)} (${f2(g.simTpotMs / c.simTpotMs)}) |`,
    );
  });
  const notes = h100.filter((c) => c.point.whyNot || c.point.compareWhy).map((c) => `- ${c.point.id}: ${c.point.whyNot ?? c.point.compareWhy}`);
  return [...lines, "", ...notes].join("\n");
}

const termsOf = (p: CostProfile) => ({ stepOverheadMs: p.stepOverheadMs, perDecodeSeqOverheadMs: p.perDecodeSeqOverheadMs, perContextTokenOverheadMs: p.perContextTokenOverheadMs });

export async function runCalibration(options: { fit: boolean; resultsDir: string }, out: (s: string) => void): Promise<{ h100: Comparison[]; fit?: FitResult | undefined }> {
  const set = loadReferenceSet();
  const replays = new ReferenceReplays(set.points, set.simulatedEngine);
  let h100Profile = qwen25_7b_h100;
  let h200Profile = qwen25_7b_h200;
  let fit: FitResult | undefined;
  if (options.fit) {
    process.stderr.write("fitting vLLM's overhead terms on the H100 kernels (a few minutes)...\n");
    fit = fitOverheads(qwen25_7b_h100, replays);
    h100Profile = { ...qwen25_7b_h100, ...fit.terms };
    h200Profile = { ...qwen25_7b_h200, ...fit.terms };
    out(`fitted after ${fit.evaluations} replays: ${JSON.stringify(fit.terms)} (worst |log ratio| over the must-meet points ${fit.worstLogRatio.toFixed(3)}); profiles.ts has ${JSON.stringify(termsOf(qwen25_7b_h100))}`);
  }
  const h100 = replays.compare(h100Profile);
  const h200 = replays.compare(h200Profile);
  out(
    renderTextTable(
      ["reference", "published tok/s", "sim tok/s", "ratio", "published TPOT", "sim TPOT", "ratio", "within 20%"],
      h100.map((c) => [c.point.id, f0(c.point.reported.outputTokPerS), f0(c.sim.outputTokPerS), f2(c.throughputRatio), f1(referenceTpotMs(c.point)), f1(c.simTpotMs), f2(c.tpotRatio), verdict(c)]),
    ),
  );
  const dir = resolve(options.resultsDir, "vllm-sim");
  await mkdir(dir, { recursive: true });
  const rows = h100.map((c, k) => ({ id: c.point.id, source: c.point.source.url, mustMeet: c.point.mustMeet, published: c.point.reported, h100: { ...c.sim, tpotCompared: c.simTpotMs, throughputRatio: c.throughputRatio, tpotRatio: c.tpotRatio }, h200: h200[k]!.sim }));
  await writeFile(join(dir, "reference-points.json"), `${JSON.stringify({ startedAt: new Date().toISOString(), terms: termsOf(h100Profile), fit, simulatedEngine: set.simulatedEngine, rows }, null, 2)}\n`);
  const report = [
    "# vllm-sim against published vLLM runs (8B bf16, one H100)",
    "",
    `Profiles ${h100Profile.name} and ${h200Profile.name}${options.fit ? " with freshly fitted terms" : ""}: vLLM overhead ${JSON.stringify(termsOf(h100Profile))}.`,
    "Each workload replayed through the simulator's engine in virtual time (deterministic; the machine's load does not matter), engine " + JSON.stringify(set.simulatedEngine) + ".",
    "",
    referenceTable(h100, h200),
    "",
  ].join("\n");
  await writeFile(join(dir, "reference-points.md"), report);
  const figures = writeDocsFigures("vllm-sim-calibration", options.fit ? "make calibrate-sim" : "make bench-sim (its last step, bench calibrate)", report);
  out(`wrote ${join(dir, "reference-points.json")}, reference-points.md and ${figures}`);
  return { h100, fit };
}

export function calibrateCommand(out: (s: string) => void): Command {
  return new Command("calibrate")
    .description("the simulator's profiles against published vLLM H100 runs (virtual time); --fit refits vLLM's overhead terms")
    .option("--fit", "refit the per-step, per-sequence and per-context-token overhead terms first", false)
    .option("--results-dir <dir>", "where bench-results live", DEFAULT_RESULTS_DIR)
    .action(async (o: { fit: boolean; resultsDir: string }) => {
      await runCalibration(o, out);
    });
}
