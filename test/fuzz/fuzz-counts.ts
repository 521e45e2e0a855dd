// The fuzz run's figures: calls per RPC and category by answer code, as JSON and a markdown table.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CATEGORIES } from "./fuzz-oracle.js";
import type { Counts, FuzzFailure } from "./fuzz-runner.js";

export interface FuzzSummary {
  seed: number;
  runs: Record<string, number>;
  durationSeconds: number;
  counts: Counts;
  failures: FuzzFailure[];
}

const total = (byCode: Record<string, number> | undefined) => Object.values(byCode ?? {}).reduce((a, b) => a + b, 0);

export function countsTable(summary: FuzzSummary): string {
  const lines = [
    `Fuzz run: seed ${summary.seed}, ${JSON.stringify(summary.runs)} runs per category, ${summary.durationSeconds.toFixed(0)} s, ${summary.failures.length} failures.`,
    "",
    `| RPC | ${CATEGORIES.join(" | ")} | calls | answers |`,
    `|---|${CATEGORIES.map(() => "---:").join("|")}|---:|---|`,
  ];
  for (const [rpc, byCategory] of Object.entries(summary.counts).sort(([a], [b]) => a.localeCompare(b))) {
    const codes: Record<string, number> = {};
    for (const byCode of Object.values(byCategory)) for (const [code, n] of Object.entries(byCode ?? {})) codes[code] = (codes[code] ?? 0) + n;
    const calls = CATEGORIES.reduce((n, c) => n + total(byCategory[c]), 0);
    const answers = Object.entries(codes).sort(([, a], [, b]) => b - a).map(([code, n]) => `${code} ${n}`).join(", ");
    lines.push(`| ${rpc} | ${CATEGORIES.map((c) => total(byCategory[c]) || "").join(" | ")} | ${calls} | ${answers} |`);
  }
  return `${lines.join("\n")}\n`;
}

export function writeCounts(directory: string, summary: FuzzSummary): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, "counts.json"), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(directory, "counts.md"), countsTable(summary));
}
