// The benchmark's figures as the docs and `make bench`'s index show them: one table (rows per
// policy, the figures the issue asks for) rendered as markdown and in report.html, and headline lines.
import type { Report, ReportTable } from "../report/html-report.js";
import type { PolicyResult } from "./policy-run.js";

const cell = (v: number | null | undefined, unit = "") => (v === null || v === undefined ? "-" : `${v}${unit}`);
const dollars = (v: number | null) => (v === null ? "-" : `$${v.toFixed(2)}`);
const savedVs = (r: PolicyResult, alwaysOnHours: number | undefined) => (alwaysOnHours ? `${Math.round((1 - r.gpuHours / alwaysOnHours) * 100)}%` : "-");

export function resultsTable(results: readonly PolicyResult[]): ReportTable {
  const alwaysOn = results.find((r) => r.policy === "always-on")?.gpuHours;
  return {
    columns: [
      "policy",
      "GPU-hours",
      "fewer than always on",
      "dollars ($1.50/h)",
      "analyses completed",
      "requests failed",
      "met a cold pool",
      "p95 latency, cold pool",
      "p95 latency, all",
      "$ per 1,000 analyses",
      "pod starts",
    ],
    rows: results.map((r) => [
      r.label,
      r.gpuHours.toFixed(2),
      savedVs(r, alwaysOn),
      dollars(r.dollars),
      `${r.completed} / ${r.requests}`,
      r.failed,
      r.coldPoolRequests,
      cell(r.p95ColdPoolLatencyS, " s"),
      cell(r.p95LatencyS, " s"),
      dollars(r.dollarsPer1000Analyses),
      r.podStarts,
    ]),
  };
}

export function markdownTable(results: readonly PolicyResult[]): string {
  const { columns, rows } = resultsTable(results);
  return [
    `| ${columns.join(" | ")} |`,
    `| --- |${" ---: |".repeat(columns.length - 1)}`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

/** One line per policy for the index page. */
export function headline(results: readonly PolicyResult[]): string[] {
  const alwaysOn = results.find((r) => r.policy === "always-on")?.gpuHours;
  return results.map(
    (r) =>
      `${r.label}: ${r.gpuHours.toFixed(2)} GPU-hours (${savedVs(r, alwaysOn)} fewer than always on), ${r.failed} failed, p95 cold-pool latency ${cell(r.p95ColdPoolLatencyS, " s")}, ${dollars(r.dollarsPer1000Analyses)} per 1,000 analyses`,
  );
}

export function htmlReport(results: readonly PolicyResult[], setup: string, settings: readonly string[], machine: string, command: string): Report {
  return {
    title: "Scale to zero: a simulated day",
    summary: [setup, ...headline(results)],
    sections: [
      { heading: "Per policy", table: resultsTable(results), paragraphs: [...settings], commands: [command] },
      { heading: "Machine", paragraphs: [machine] },
    ],
  };
}
