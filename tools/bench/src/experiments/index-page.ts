// `bench index`: one page linking every benchmark's report under bench-results/ (the convention
// every benchmark follows: bench-results/<name>/result.json and report.html).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { escapeHtml, renderReport } from "../report/html-report.js";

export interface IndexEntry {
  name: string;
  hasReport: boolean;
  headline: string[];
  written: string;
}

/** Headline lines a result may carry: `headline` (ours), `summary` or `findings` (strings). */
function headlineOf(result: unknown): string[] {
  if (typeof result !== "object" || result === null) return [];
  const r = result as Record<string, unknown>;
  for (const key of ["headline", "findings", "summary"]) {
    const v = r[key];
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string").slice(0, 6);
    if (typeof v === "string") return [v];
  }
  return [];
}

export function collectEntries(resultsDir: string): IndexEntry[] {
  if (!existsSync(resultsDir)) return [];
  return readdirSync(resultsDir)
    .filter((name) => existsSync(join(resultsDir, name, "result.json")))
    .sort()
    .map((name) => {
      const file = join(resultsDir, name, "result.json");
      let headline: string[];
      try {
        headline = headlineOf(JSON.parse(readFileSync(file, "utf8")));
      } catch {
        headline = ["(result.json is not valid JSON)"];
      }
      return { name, hasReport: existsSync(join(resultsDir, name, "report.html")), headline, written: statSync(file).mtime.toISOString() };
    });
}

export async function writeIndexPage(resultsDir: string): Promise<{ file: string; entries: IndexEntry[] }> {
  const dir = resolve(resultsDir);
  const entries = collectEntries(dir);
  const items = entries
    .map((e) => {
      const name = escapeHtml(e.name);
      const link = e.hasReport ? `<a href="${encodeURIComponent(e.name)}/report.html">${name}</a>` : name;
      const lines = e.headline.map((h) => `<li>${escapeHtml(h)}</li>`).join("");
      return `<li>${link} <small>(${escapeHtml(e.written)}, <a href="${encodeURIComponent(e.name)}/result.json">result.json</a>)</small><ul>${lines}</ul></li>`;
    })
    .join("\n");
  const html = renderReport({
    title: "Reviewlens benchmarks",
    summary: [entries.length ? `${entries.length} benchmarks in ${dir}.` : `No benchmark results in ${dir} yet: run make bench.`],
    sections: [{ heading: "Reports", html: `<ul>${items}</ul>` }],
  });
  const file = join(dir, "index.html");
  await writeFile(file, html);
  return { file, entries };
}
