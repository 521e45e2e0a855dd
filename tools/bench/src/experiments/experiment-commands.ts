// The experiments and the autoscaling benchmark as `bench <name>` subcommands.
import { existsSync } from "node:fs";
import { Command, Option } from "commander";
import { hpaConfigFromValues, readHpaValues, type ScalerConfig } from "../scaling/helm-hpa-values.js";
import { ALL_SCENARIOS, runAutoscalingBenchmark, type AutoscaleOptions, type ScenarioName } from "./autoscaling-benchmark.js";
import { autoscalingReport, comparisonRows, COMPARISON_COLUMNS, findings } from "./autoscaling-report.js";
import { fitScalerConfig } from "../scaling/scaled-scaler-config.js";
import { invokedAs } from "../report/figure-file.js";
import { numberOption } from "./number-option.js";
import { DEFAULT_RESULTS_DIR, writeExperiment } from "./experiment-output.js";
import { renderTextTable } from "./text-table.js";
import { UsageError } from "../usage-error.js";
import { sideBySideCommands } from "./side-by-side-commands.js";
import { topkCommand } from "./topk-command.js";
import { planCommand } from "../analyses/plan-command.js";
import { writeIndexPage } from "./index-page.js";
import { overloadCommand } from "../overload/overload-command.js";

const number = numberOption;

/** The charts the scaler reads, in order: the simulator's chart, then the real vLLM chart. */
export const CHART_VALUES = ["helm/vllm-sim/values.yaml", "helm/vllm/values.yaml"];

/** Used only when no chart is present, and said so in the report. */
const FALLBACK_VALUES = `
autoscaling:
  minReplicas: 1
  maxReplicas: 4
  behavior:
    scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: Pods, value: 2, periodSeconds: 15 }] }
    scaleDown: { stabilizationWindowSeconds: 60, policies: [{ type: Pods, value: 1, periodSeconds: 30 }] }
  metrics:
    - type: Pods
      pods: { metric: { name: "vllm:num_requests_waiting" }, target: { type: AverageValue, averageValue: "2" } }
    - type: External
      external: { metric: { name: gateway_queue_depth }, target: { type: AverageValue, averageValue: "8" } }
`;

export function loadScalerConfig(valuesFile: string | undefined): ScalerConfig {
  const file = valuesFile ?? CHART_VALUES.find((f) => existsSync(f));
  return file ? readHpaValues(file) : hpaConfigFromValues(FALLBACK_VALUES, "built-in defaults (no chart values found)");
}

interface AutoscaleFlags {
  scenarios: string;
  rate: number;
  spike: number;
  phaseSeconds: number;
  timeScale: number;
  coldStart: number;
  checkInterval: number;
  inputLen: number;
  outputLen: number;
  rangeRatio: number;
  seed: number;
  values?: string;
  maxReplicas: number;
  maxNumSeqs: number;
  chartMaxNumSeqs: number;
  gatewayMaxNumSeqs?: number;
  behaviorScale: number;
  simArgs: string;
  resultsDir: string;
  live: boolean;
}

function autoscaleCommand(out: (s: string) => void): Command {
  return new Command("autoscale")
    .description("the autoscaling benchmark: fixed pools vs the HPA algorithm on two signals, through the gateway")
    .option("--scenarios <list>", `comma-separated subset of ${ALL_SCENARIOS.join(",")}`, ALL_SCENARIOS.join(","))
    .option("--rate <r>", "plateau request rate (virtual req/s)", number("--rate", 0.01), 12)
    .option("--spike <x>", "spike rate as a multiple of the plateau", number("--spike", 1), 2.5)
    .option("--phase-seconds <s>", "length of the ramp and plateau phases (virtual s; spike 1/2, idle 4x)", number("--phase-seconds", 1), 30)
    .option("--time-scale <s>", "the simulator's time scale (wall = virtual x s)", number("--time-scale", 0.001), 0.5)
    .option("--cold-start <s>", "seconds before a new replica is ready (model load, virtual; at least its process start)", number("--cold-start"), 6)
    .option("--check-interval <s>", "seconds between scaler decisions (virtual; the HPA's sync period is 15)", number("--check-interval", 0.1), 1.5)
    .option("--input-len <n>", "prompt tokens", number("--input-len", 1), 512)
    .option("--output-len <n>", "output tokens", number("--output-len", 1), 32)
    .option("--range-ratio <r>", "length range ratio", number("--range-ratio"), 0.5)
    .option("--seed <n>", "random seed", number("--seed"), 0)
    .option("--values <file>", `chart values with the HPA settings (default: the first of ${CHART_VALUES.join(", ")})`)
    .option("--max-replicas <n>", "cap on the chart's maxReplicas (simulator processes on this machine)", number("--max-replicas", 1), 4)
    .option("--max-num-seqs <n>", "each replica's max_num_seqs (small, so a few req/s saturate it)", number("--max-num-seqs", 1), 2)
    .option("--chart-max-num-seqs <n>", "the max_num_seqs the chart's per-replica targets are sized for", number("--chart-max-num-seqs", 1), 256)
    .option("--gateway-max-num-seqs <n>", "the gateway's admission budget per replica (default: --max-num-seqs, as a deployment sets it)", number("--gateway-max-num-seqs", 1))
    .option("--behavior-scale <k>", "multiplies the chart's stabilization windows and policy periods", number("--behavior-scale", 0.001), 0.1)
    .option("--sim-args <args>", "extra vllm-sim flags for every replica", "")
    .option("--results-dir <dir>", "where to write", DEFAULT_RESULTS_DIR)
    .addOption(new Option("--no-live", "no live terminal view"))
    .action(async (f: AutoscaleFlags) => {
      const scenarios = f.scenarios.split(",").map((s) => s.trim()) as ScenarioName[];
      for (const s of scenarios) if (!ALL_SCENARIOS.includes(s)) throw new UsageError(`--scenarios: unknown "${s}" (use ${ALL_SCENARIOS.join(", ")})`);
      const p = f.phaseSeconds;
      const chart = loadScalerConfig(f.values);
      const scaler = fitScalerConfig(chart, { behaviorScale: f.behaviorScale, capacityScale: f.maxNumSeqs / f.chartMaxNumSeqs, maxReplicas: Math.min(f.maxReplicas, chart.spec.maxReplicas) });
      const options: AutoscaleOptions = {
        scenarios,
        phases: [
          { name: "ramp up", durationS: p, fromRate: 0.5, toRate: f.rate },
          { name: "plateau", durationS: p * 1.5, fromRate: f.rate, toRate: f.rate },
          { name: "spike", durationS: p / 2, fromRate: f.rate * f.spike, toRate: f.rate * f.spike },
          { name: "ramp down", durationS: p, fromRate: f.rate, toRate: 0 },
          { name: "idle", durationS: p * 4, fromRate: 0, toRate: 0 },
        ],
        timeScale: f.timeScale,
        coldStartS: f.coldStart,
        checkIntervalS: f.checkInterval,
        inputLen: f.inputLen,
        outputLen: f.outputLen,
        rangeRatio: f.rangeRatio,
        seed: f.seed,
        sloTtftS: 2,
        scaler,
        chart,
        fit: { behaviorScale: f.behaviorScale, maxNumSeqs: f.maxNumSeqs, chartMaxNumSeqs: f.chartMaxNumSeqs, maxReplicas: f.maxReplicas },
        simProfile: "qwen2.5-7b-h100",
        simArgs: ["--max-num-seqs", String(f.maxNumSeqs), ...f.simArgs.split(" ").filter(Boolean)],
        gatewayEnv: { GATEWAY_MAX_NUM_SEQS: String(f.gatewayMaxNumSeqs ?? f.maxNumSeqs) },
        resultsDir: f.resultsDir,
        live: f.live,
      };
      const results = await runAutoscalingBenchmark(options);
      const command = `node --import tsx tools/bench/src/main.ts autoscale ${process.argv.slice(3).join(" ")}`.trim();
      const files = await writeExperiment(f.resultsDir, "autoscaling", { options, results }, autoscalingReport(results, options, command), {
        command: invokedAs("bench-autoscaling", process.argv.slice(3)),
      });
      out(renderTextTable(COMPARISON_COLUMNS, comparisonRows(results)));
      for (const line of findings(results)) out(line);
      out(`Times in virtual seconds (--time-scale ${f.timeScale}). Wrote ${files.json}, ${files.html}, ${files.figures} and decisions.jsonl`);
    });
}

export function experimentCommands(out: (s: string) => void): Command[] {
  const index = new Command("index")
    .description("write bench-results/index.html linking every benchmark's report")
    .option("--results-dir <dir>", "results folder", DEFAULT_RESULTS_DIR)
    .action(async (o: { resultsDir: string }) => {
      const { file, entries } = await writeIndexPage(o.resultsDir);
      out(`Wrote ${file} (${entries.length} benchmarks: ${entries.map((e) => e.name).join(", ")})`);
    });
  return [...sideBySideCommands(out), topkCommand(out), planCommand(out), autoscaleCommand(out), overloadCommand(out), index];
}
