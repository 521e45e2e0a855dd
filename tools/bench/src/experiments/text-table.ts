// A comparison table for the terminal (cli-table3).
import Table from "cli-table3";

export function renderTextTable(columns: string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const table = new Table({ head: columns, style: { head: [], border: [] } });
  for (const r of rows) table.push(r.map((v) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v)));
  return table.toString();
}
