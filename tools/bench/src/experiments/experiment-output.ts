// Every benchmark writes bench-results/<name>/result.json and bench-results/<name>/report.html
// (the convention `make bench`'s index page relies on).
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { writeDocsFigures } from "../report/figure-file.js";
import { renderReport, type Report } from "../report/html-report.js";
import { markdownReport } from "../report/markdown-report.js";

export const DEFAULT_RESULTS_DIR = "bench-results";

/**
 * Writes the result and its report; with `figures`, also the report's text and tables to
 * docs/figures/<name>.md (the command is the figures' header), refreshing the pages that include it.
 */
export async function writeExperiment(
  resultsDir: string,
  name: string,
  result: unknown,
  report: Report,
  figures?: { command: string },
): Promise<{ json: string; html: string; figures?: string }> {
  const dir = resolve(resultsDir, name);
  await mkdir(dir, { recursive: true });
  const json = join(dir, "result.json");
  const html = join(dir, "report.html");
  await writeFile(json, JSON.stringify(result, null, 2));
  await writeFile(html, renderReport(report));
  if (!figures) return { json, html };
  return { json, html, figures: writeDocsFigures(name, figures.command, markdownReport(report)) };
}

/**
 * A virtual clock over wall time: the simulator's time scale maps wall seconds to virtual ones.
 * `advance` jumps ahead (an idle tail with nothing in flight, where nothing depends on time).
 */
export function virtualClock(timeScale: number) {
  const t0 = performance.now();
  let skipped = 0;
  return {
    now: () => (performance.now() - t0) / 1000 / timeScale + skipped,
    sleep: (virtualSeconds: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, virtualSeconds * timeScale * 1000))),
    advance: (virtualSeconds: number) => {
      skipped += Math.max(0, virtualSeconds);
    },
  };
}
