// The overload figures as a markdown table (bench-results/overload/overload.md, for the docs) and
// an HTML report with the memory and queue of each arm over time.
import type { Report } from "../report/html-report.js";
import { timeSeriesOption } from "../report/chart-options.js";
import type { OverloadArm, OverloadResult } from "./overload-benchmark.js";

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ") || "0";

export const OVERLOAD_COLUMNS = [
  "path",
  "offered",
  "sent",
  "admitted",
  "refused (by code)",
  "other failures",
  "refusal p95",
  "retry delay min / p50 / max",
  "p95 TTFT of admitted",
  "admitted within SLO (client / gateway)",
  "RSS start -> peak",
  "idle after the last answer",
];

export function overloadRow(a: OverloadArm, saturation: number): string[] {
  const s = a.summary;
  const hint = s.retryAfterMs;
  return [
    a.path,
    `${a.multiple}x (${a.offeredPerSecond} req/s; saturation ${saturation})`,
    String(s.sent),
    String(s.admitted),
    counts(s.refused),
    counts(s.failed),
    `${s.refusalMs.p95} ms`,
    `${hint.min} / ${hint.p50} / ${hint.max} ms${hint.missing ? ` (${hint.missing} without)` : ""}`,
    `${s.admittedTtftMs.p95} ms`,
    `${(s.admittedWithinSlo * 100).toFixed(1)}% / ${a.idle.held?.sloCompliance === undefined ? "-" : `${(a.idle.held.sloCompliance * 100).toFixed(1)}%`}`,
    `${mib(a.rssStartBytes)} -> ${mib(a.peakRssBytes)} MiB`,
    a.idle.held ? `${a.idle.afterMs} ms (queued ${a.idle.held.queued}, in flight ${a.idle.held.inFlight})` : "not readable",
  ];
}

export function overloadMarkdown(r: OverloadResult, command: string): string {
  const rows = r.arms.map((a) => `| ${overloadRow(a, r.saturationPerSecond).join(" | ")} |`);
  return [
    `| ${OVERLOAD_COLUMNS.join(" | ")} |`,
    `|${OVERLOAD_COLUMNS.map(() => "---").join("|")}|`,
    ...rows,
    "",
    `vllm-sim ${r.profile}, --max-num-seqs ${r.options.maxNumSeqs}, time scale ${r.options.timeScale}; ${r.options.inputLen}-token prompts, ` +
      `${r.options.outputLen} output tokens (each x [${1 - r.options.rangeRatio}, ${1 + r.options.rangeRatio}]); Poisson arrivals for ${r.options.durationS} s per arm; every request's TTFT deadline = the SLO ` +
      `(${r.options.sloTtftMs} ms); times in the simulator's virtual time. Load average ${r.loadAverage.start.join(" ")} at the start, ` +
      `${r.loadAverage.end.join(" ")} at the end (a shared 2-core machine). \`${command}\``,
    "",
  ].join("\n");
}

export function overloadReport(r: OverloadResult, command: string): Report {
  const series = (pick: (s: OverloadArm["samples"][number]) => number | undefined, right = false) =>
    r.arms.map((a) => ({
      name: `${a.path} ${a.multiple}x`,
      points: a.samples.flatMap((s) => (pick(s) === undefined ? [] : [[Math.round(s.t * 10) / 10, pick(s)!] as [number, number]])),
      right,
    }));
  return {
    title: "Overload held honestly",
    summary: [
      `Saturation of the simulator: ${r.saturationPerSecond} requests/s. Each arm offers a multiple of it for ${r.options.durationS} s; ` +
        `excess must be refused at once (RESOURCE_EXHAUSTED, HTTP 429) with a retry delay, and the admitted must keep the ${r.options.sloTtftMs} ms TTFT SLO.`,
    ],
    sections: [
      { heading: "Arms", table: { columns: OVERLOAD_COLUMNS, rows: r.arms.map((a) => overloadRow(a, r.saturationPerSecond)) }, commands: [command] },
      {
        heading: "Over time",
        charts: [
          { title: "Resident memory of the path's process (MiB)", option: timeSeriesOption(series((s) => mib(s.rssBytes)), "s", "MiB") },
          { title: "Queued in the path (GetStatus)", option: timeSeriesOption(series((s) => s.queued), "s", "requests") },
        ],
      },
    ],
  };
}
