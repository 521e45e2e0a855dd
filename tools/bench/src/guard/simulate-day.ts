// `npm run scheduler:simulate-day -- [--restaurants N] [--seed S] [--out FILE]`: the figure of
// LLM calls the three layers save in a simulated day; prints a summary, writes JSON with --out.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { writeDocsFigures } from "../report/figure-file.js";
import { defaultDay, simulateDay, type DayOptions } from "./simulated-day.js";

const { values } = parseArgs({
  options: {
    restaurants: { type: "string" },
    seed: { type: "string" },
    budget: { type: "string" },
    "client-calls": { type: "string" },
    out: { type: "string" },
  },
});
const num = (v: string | undefined, fallback: number, name: string) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected a positive integer, got ${v}`);
  return n;
};
const options: DayOptions = {
  ...defaultDay,
  restaurants: num(values.restaurants, defaultDay.restaurants, "restaurants"),
  seed: num(values.seed, defaultDay.seed, "seed"),
  budget: num(values.budget, defaultDay.budget, "budget"),
  clientCallsPerDay: num(values["client-calls"], defaultDay.clientCallsPerDay, "client-calls"),
};
const report = await simulateDay(options);
const pct = (n: number) => `${((100 * n) / report.naive.analyses).toFixed(1)}%`;
const summary = [
    `simulated day: ${options.restaurants} restaurants, ${report.reviewsAdded} new reviews, ${report.schedulerRuns} scheduler runs, ${report.clientCalls} client calls`,
    `naive (cron re-analyses all every ${options.scheduleEveryMinutes} min, every call runs): ${report.naive.analyses} analyses, ${report.naive.llmCalls} LLM calls`,
    `with the three layers: ${report.actual.analyses} analyses (${report.actual.scheduled} scheduled, ${report.actual.interactive} interactive), ${report.actual.llmCalls} LLM calls`,
    `saved: scheduler ${report.saved.byScheduler} (${pct(report.saved.byScheduler)}), SKIP ${report.saved.bySkip} (${pct(report.saved.bySkip)}), lock ${report.saved.byLock} (${pct(report.saved.byLock)}); ` +
      `total ${report.saved.analyses} analyses = ${report.saved.llmCalls} LLM calls (${(report.saved.share * 100).toFixed(1)}%)`,
];
process.stdout.write(`${summary.join("\n")}\n`);
// With --out (make bench-guard) the run is the benchmark's: its figures go to the docs too.
if (values.out) {
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(values.out, JSON.stringify(report, null, 2));
  const command = `npm run scheduler:simulate-day -- ${process.argv.slice(2).join(" ")}`;
  process.stdout.write(`written: ${values.out} and ${writeDocsFigures("guard-simulated-day", command, summary.map((l) => `- ${l}`).join("\n"))}\n`);
}
