// `bench analysis-plans`: every analysis under each prompt plan, measured on the simulator and
// predicted by the latency model; writes bench-results/analysis-plans/result.json, report.html and
// table.md (and docs/figures/analysis-plans.md, which docs/benchmarks.md includes).
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { profiles } from "@reviewlens/vllm-sim";
import type { ReportTable } from "../report/html-report.js";
import { DEFAULT_RESULTS_DIR, writeExperiment } from "../experiments/experiment-output.js";
import { numberOption } from "../experiments/number-option.js";
import { invokedAs } from "../report/figure-file.js";
import { renderTextTable } from "../experiments/text-table.js";
import { PLAN_ANALYSES, runPlanExperiment, variantLabel, type PlanExperiment } from "./plan-experiment.js";

const ms = (x: number) => Math.round(x);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function planTable(e: PlanExperiment): ReportTable {
  return {
    columns: ["plan", "requests", "computed prompt tok", "output tok", "chain steps", `measured ms (${e.profile})`, "engine ms (model)", "predicted ms", "model error", `predicted ms (${e.otherProfile})`, "fastest"],
    rows: e.rows.map((r) => [
      variantLabel(r.variant),
      r.requests.toFixed(0),
      r.computedPromptTokens.toFixed(0),
      r.outputTokens.toFixed(0),
      r.chainSteps.toFixed(0),
      ms(r.measuredMs),
      ms(r.engineMs),
      ms(r.predictedMs),
      pct(r.meanAbsError),
      ms(r.otherProfileMs),
      r.fastest ? "yes" : "",
    ]),
  };
}

const markdown = (t: ReportTable) => [`| ${t.columns.join(" | ")} |`, `|${t.columns.map(() => "---").join("|")}|`, ...t.rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

export function planCommand(out: (s: string) => void): Command {
  return new Command("analysis-plans")
    .description("each analysis under each prompt plan (reviews or keys per answer): measured on the simulator at time scale 1, predicted by the latency model")
    .option("--runs <n>", "runs of each plan (restaurants in turn)", numberOption("--runs", 1), 10)
    .option("--profile <name>", `simulator profile (${Object.keys(profiles).join(", ")})`, "qwen2.5-7b-h100")
    .option("--seed <n>", "seed of the demo reviews", numberOption("--seed"), 42)
    .option("--results-dir <dir>", "where to write", DEFAULT_RESULTS_DIR)
    .action(async (o: { runs: number; profile: string; seed: number; resultsDir: string }) => {
      const e = await runPlanExperiment({ runsPerVariant: o.runs, profile: o.profile, seed: o.seed, log: (s) => process.stderr.write(`${s}\n`) });
      const table = planTable(e);
      const load = `load average (1 min) ${e.loadAverage.before[0]!.toFixed(1)} before, ${e.loadAverage.after[0]!.toFixed(1)} after`;
      const overheads = `${PLAN_ANALYSES.map((a) => `${a} ${ms(e.overheadMs[a])} ms`).join(", ")}, and ${e.perRequestMs.toFixed(1)} ms per request`;
      const fastest = e.rows.filter((r) => r.fastest).map((r) => `fastest predicted: ${variantLabel(r.variant)}, ${ms(r.measuredMs)} ms measured, ${ms(r.predictedMs)} ms predicted`);
      const notes = [
        `Time outside the engine (measured minus the model's engine time, fitted by least squares): ${overheads}.`,
        "Every run starts with an empty prefix cache, so its computed prompt tokens include the instructions (a running service has them cached).",
        "chain steps: the engine steps of the longest request of each stage, summed over the stages (strengths: claims, then statements).",
        "fastest: the fastest plan of its analysis by the model's prediction; which plan each analysis runs, and why, is in docs/benchmarks.md (speed is weighed against tokens and requests).",
        `Measured with the machine as it was: ${load}.`,
      ];
      const command = `node --import tsx tools/bench/src/main.ts ${process.argv.slice(2).join(" ")}`;
      const files = await writeExperiment(
        o.resultsDir,
        "analysis-plans",
        { experiment: "analysis-plans", options: o, ...e },
        {
          title: `Analyses' prompt plans: measured on the simulator (${e.profile}) and predicted by the latency model`,
          summary: fastest,
          sections: [{ heading: "Plans", table, commands: ["make bench-analysis-plans", command], paragraphs: notes }],
        },
        { command: invokedAs("bench-analysis-plans", process.argv.slice(3)) },
      );
      const md = join(resolve(o.resultsDir, "analysis-plans"), "table.md");
      await writeFile(md, `${markdown(table)}\n\n${notes.join("\n")}\n`);
      out(renderTextTable(table.columns, table.rows));
      for (const line of [...fastest, ...notes]) out(line);
      out(`Wrote ${files.json}, ${files.html}, ${md} and ${files.figures}`);
    });
}
