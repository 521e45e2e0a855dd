// `bench overload`: writes bench-results/overload/result.json, report.html and overload.md, and the
// same table to docs/figures/overload.md.
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_RESULTS_DIR, writeExperiment } from "../experiments/experiment-output.js";
import { numberOption } from "../experiments/number-option.js";
import { invokedAs, writeDocsFigures } from "../report/figure-file.js";
import { renderTextTable } from "../experiments/text-table.js";
import { runOverloadBenchmark } from "./overload-benchmark.js";
import { OVERLOAD_PATHS, type OverloadPath } from "./overload-paths.js";
import { OVERLOAD_COLUMNS, overloadMarkdown, overloadReport, overloadRow } from "./overload-report.js";

const number = numberOption;

function parseMultiples(raw: string): number[] {
  const list = raw.split(",").map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((m) => !(m > 0))) throw new InvalidArgumentError(`--multiples must be positive numbers, got "${raw}"`);
  return list;
}

function parsePaths(raw: string): OverloadPath[] {
  return raw.split(",").map((name) => {
    const path = OVERLOAD_PATHS.find((p) => p.name === name.trim());
    if (!path) throw new InvalidArgumentError(`--paths: unknown path "${name}" (known: ${OVERLOAD_PATHS.map((p) => p.name).join(", ")})`);
    return path;
  });
}

interface Flags {
  paths: OverloadPath[];
  multiples: number[];
  duration: number;
  timeScale: number;
  maxNumSeqs: number;
  inputLen: number;
  outputLen: number;
  rangeRatio: number;
  slo: number;
  seed: number;
  resultsDir: string;
}

export function overloadCommand(out: (s: string) => void): Command {
  return new Command("overload")
    .description("multiples of the simulator's saturation through each path: refusals, their retry delays, the admitted requests' TTFT, memory, idle after")
    .option("--paths <list>", `comma-separated, of ${OVERLOAD_PATHS.map((p) => p.name).join(", ")}`, parsePaths, OVERLOAD_PATHS)
    .option("--multiples <list>", "multiples of saturation to offer", parseMultiples, [2, 5])
    .option("--duration <s>", "seconds of offered load per arm (virtual)", number("--duration", 1), 60)
    .option("--time-scale <s>", "the simulator's time scale (1: real time)", number("--time-scale", 0.01), 1)
    .option("--max-num-seqs <n>", "the simulator's (and gateway's) max_num_seqs", number("--max-num-seqs", 1), 16)
    .option("--input-len <n>", "prompt tokens", number("--input-len", 1), 256)
    .option("--output-len <n>", "output tokens", number("--output-len", 1), 128)
    .option("--range-ratio <r>", "lengths uniform in len x [1 - r, 1 + r] (outputs that differ keep a batch from finishing all at once, as real traffic does)", number("--range-ratio"), 0.5)
    .option("--slo <ms>", "TTFT SLO, sent as every request's deadline", number("--slo", 1), 2000)
    .option("--seed <n>", "seed", number("--seed"), 7)
    .option("--results-dir <dir>", "where to write", DEFAULT_RESULTS_DIR)
    .action(async (o: Flags) => {
      const result = await runOverloadBenchmark({
        paths: o.paths,
        multiples: o.multiples,
        durationS: o.duration,
        timeScale: o.timeScale,
        maxNumSeqs: o.maxNumSeqs,
        inputLen: o.inputLen,
        outputLen: o.outputLen,
        rangeRatio: o.rangeRatio,
        sloTtftMs: o.slo,
        seed: o.seed,
        log: (s) => process.stderr.write(`${s}\n`),
      });
      const command = `node --import tsx tools/bench/src/main.ts ${process.argv.slice(2).join(" ")}`;
      const files = await writeExperiment(o.resultsDir, "overload", result, overloadReport(result, command));
      const markdown = join(resolve(o.resultsDir, "overload"), "overload.md");
      await writeFile(markdown, overloadMarkdown(result, command));
      const docsFigures = writeDocsFigures("overload", invokedAs("bench-overload", process.argv.slice(3)), overloadMarkdown(result, command));
      out(renderTextTable(OVERLOAD_COLUMNS, result.arms.map((a) => overloadRow(a, result.saturationPerSecond))));
      out(`Wrote ${files.json}, ${files.html}, ${markdown} and ${docsFigures}`);
    });
}
