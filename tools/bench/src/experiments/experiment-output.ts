// Every benchmark writes bench-results/<name>/result.json and bench-results/<name>/report.html
// (the convention `make bench`'s index page relies on).
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { renderReport, type Report } from "../report/html-report.js";

export const DEFAULT_RESULTS_DIR = "bench-results";

export async function writeExperiment(resultsDir: string, name: string, result: unknown, report: Report): Promise<{ json: string; html: string }> {
  const dir = resolve(resultsDir, name);
  await mkdir(dir, { recursive: true });
  const json = join(dir, "result.json");
  const html = join(dir, "report.html");
  await writeFile(json, JSON.stringify(result, null, 2));
  await writeFile(html, renderReport(report));
  return { json, html };
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
