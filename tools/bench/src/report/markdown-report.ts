// A report's text and tables as markdown, for docs/figures/ (the charts stay in report.html).
import type { Report, ReportTable } from "./html-report.js";

const cell = (v: string | number) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v).replace(/\|/g, "\\|").replace(/\n/g, " ");

export function markdownTable(t: ReportTable): string {
  return [`| ${t.columns.map(cell).join(" | ")} |`, `|${t.columns.map(() => "---").join("|")}|`, ...t.rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
}

/** Title as a bold line (the including page owns the headings), summary, then each section. */
export function markdownReport(report: Report): string {
  const parts = [`**${report.title}**`, ...report.summary];
  for (const s of report.sections) {
    if (!s.paragraphs?.length && !s.table) continue;
    parts.push(`*${s.heading}*`, ...(s.paragraphs ?? []));
    if (s.table) parts.push(markdownTable(s.table));
  }
  return parts.join("\n\n");
}
