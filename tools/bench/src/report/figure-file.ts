// A benchmark's figures for the docs: docs/figures/<subject>.md (committed, unlike bench-results/),
// headed by the command and the machine it ran on, then spliced into the pages that include it.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@reviewlens/testkit";
import { FIGURES_DIR, refreshFigureIncludes } from "./figure-includes.js";

export interface FigureRun {
  /** What a person types to reproduce it, e.g. `make bench-gateway ARGS="overhead"`. */
  command: string;
  /** When the run ended. */
  at: Date;
  cores: number;
  /** The 1, 5 and 15 minute load averages when the figures were written. */
  loadAverage: number[];
}

/** Headings become bold lines: the page that includes the figures owns the headings. */
const withoutHeadings = (body: string) => body.replace(/^#{1,6} +(.+)$/gm, "**$1**");

export function figureFile(subject: string, run: FigureRun, body: string): string {
  const when = run.at.toISOString().replace("T", " ").slice(0, 16);
  const load = run.loadAverage.map((l) => l.toFixed(1)).join(" ");
  return `<!-- Written by the benchmark (${subject}); a rerun overwrites this file and the pages that include it. -->
Measured by \`${run.command}\` on ${when} UTC (${run.cores} cores, load average ${load} at the end; the machine may have been shared).

${withoutHeadings(body).trim()}
`;
}

/** Writes docs/figures/<subject>.md and refreshes every page that includes it; returns the file. */
export function writeDocsFigures(subject: string, command: string, body: string, root: string = repoRoot): string {
  const dir = join(root, FIGURES_DIR);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${subject}.md`);
  writeFileSync(file, figureFile(subject, { command, at: new Date(), cores: cpus().length, loadAverage: loadavg() }, body));
  refreshFigureIncludes(root);
  return file;
}

/** The command line that started this process, as `make` would have run it, with the benchmarks' own variables (for the figures' header). */
export function invokedAs(makeTarget: string, args: string[] = process.argv.slice(2)): string {
  const env = Object.entries(process.env)
    .filter(([k]) => /^(BENCH_|WATCHDOG_BENCH_|MODEL_SEEDS$)/.test(k))
    .map(([k, v]) => `${k}=${v} `)
    .join("");
  const quoted = args.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(" ");
  return `${env}make ${makeTarget}${quoted ? ` ARGS="${quoted.replace(/"/g, '\\"')}"` : ""}`;
}
