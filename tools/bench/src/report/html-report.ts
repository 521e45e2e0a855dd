// A self-contained HTML report: text, tables and ECharts charts, with echarts.min.js inlined so the
// file opens from disk with no server and no network.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export interface ReportTable {
  columns: string[];
  rows: Array<Array<string | number>>;
}

export interface ReportChart {
  title: string;
  /** An ECharts option object (plain JSON). */
  option: Record<string, unknown>;
  caption?: string;
}

export interface ReportSection {
  heading: string;
  /** Raw HTML (links of the index page); only ever built from escaped parts. */
  html?: string;
  paragraphs?: string[];
  table?: ReportTable;
  charts?: ReportChart[];
  /** Shell commands that reproduce the section. */
  commands?: string[];
}

export interface Report {
  title: string;
  summary: string[];
  sections: ReportSection[];
}

let echartsSource: string | undefined;
function echartsScript(): string {
  echartsSource ??= readFileSync(createRequire(import.meta.url).resolve("echarts/dist/echarts.min.js"), "utf8");
  return echartsSource;
}

export const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");
const cell = (v: string | number) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : escapeHtml(v));

function renderTable(t: ReportTable): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = t.rows.map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join("")}</tr>`).join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function renderReport(report: Report): string {
  const charts: Array<{ id: string; option: Record<string, unknown> }> = [];
  const sections = report.sections.map((s, i) => {
    const parts = [`<h2>${escapeHtml(s.heading)}</h2>`];
    for (const p of s.paragraphs ?? []) parts.push(`<p>${escapeHtml(p)}</p>`);
    if (s.html) parts.push(s.html);
    if (s.table) parts.push(renderTable(s.table));
    for (const [j, c] of (s.charts ?? []).entries()) {
      const id = `chart-${i}-${j}`;
      charts.push({ id, option: { title: { text: c.title, textStyle: { fontSize: 14 } }, tooltip: { trigger: "axis" }, ...c.option } });
      parts.push(`<figure><div class="chart" id="${id}"></div>${c.caption ? `<figcaption>${escapeHtml(c.caption)}</figcaption>` : ""}</figure>`);
    }
    if (s.commands?.length) parts.push(`<pre>${s.commands.map(escapeHtml).join("\n")}</pre>`);
    return `<section>${parts.join("\n")}</section>`;
  });
  const withCharts = charts.length > 0;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(report.title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}.chart{width:100%;height:380px}
pre{background:#f6f6f6;padding:8px;overflow-x:auto}figcaption{color:#555;font-size:90%}
</style>
${withCharts ? `<script>${echartsScript()}</script>` : ""}</head>
<body><h1>${escapeHtml(report.title)}</h1>
${report.summary.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}
${sections.join("\n")}
${withCharts ? `<script>\nfor (const c of ${scriptJson(charts)}) echarts.init(document.getElementById(c.id)).setOption(c.option);\n</script>` : ""}
</body></html>
`;
}
