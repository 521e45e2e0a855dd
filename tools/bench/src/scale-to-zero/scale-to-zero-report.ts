// The benchmark's markdown table: one row per policy, the figures the issue asks for.
import type { PolicyResult } from "./policy-run.js";

const cell = (v: number | null | undefined, unit = "") => (v === null || v === undefined ? "-" : `${v}${unit}`);

export function markdownTable(results: readonly PolicyResult[]): string {
  const alwaysOn = results.find((r) => r.policy === "always-on")?.gpuHours;
  const rows = results.map((r) => {
    const saved = alwaysOn ? `${Math.round((1 - r.gpuHours / alwaysOn) * 100)}%` : "-";
    return `| ${r.label} | ${r.gpuHours.toFixed(2)} | ${saved} | $${r.dollars.toFixed(2)} | ${r.completed} / ${r.requests} | ${r.failed} | ${r.coldPoolRequests} | ${cell(r.p95ColdPoolLatencyS, " s")} | ${cell(r.p95LatencyS, " s")} | ${r.dollarsPer1000Analyses === null ? "-" : `$${r.dollarsPer1000Analyses.toFixed(2)}`} | ${r.podStarts} |`;
  });
  return [
    "| policy | GPU-hours | fewer than always on | dollars ($1.50/h) | analyses completed | requests failed | met a cold pool | p95 latency, cold pool | p95 latency, all | $ per 1,000 analyses | pod starts |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}
