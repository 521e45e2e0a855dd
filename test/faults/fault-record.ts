// What each fault test measured, written to bench-results/faults/<fault>.json, and the markdown
// table of all of them (make bench-faults). Figures only: the tests assert outcomes, never these times.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@reviewlens/testkit";

export const FAULTS_DIR = join(repoRoot, "bench-results", "faults");

export interface FaultRecord {
  fault: string;
  /** The load running throughout. */
  load: string;
  sent: number;
  succeeded: number;
  /** Calls refused, by gRPC status name. */
  refused: Record<string, number>;
  /** Asked but neither answered nor refused, or answered but not stored. */
  lost: number;
  /** Stored or run more than once. */
  duplicated: number;
  /** From the fault to the first success that needed the faulty part back (ms). */
  recoveryMs: number;
  /** What "lost" and "duplicated" were counted against. */
  reconciliation: string;
  recordedAt?: string;
  /** `uptime` load averages while the test ran (the machine is shared). */
  loadAverage?: number[];
}

export function slug(fault: string): string {
  return fault.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

export function writeFaultRecord(record: FaultRecord): string {
  mkdirSync(FAULTS_DIR, { recursive: true });
  const file = join(FAULTS_DIR, `${slug(record.fault)}.json`);
  const full: FaultRecord = { ...record, recordedAt: new Date().toISOString(), loadAverage: loadavg().map((v) => Math.round(v * 100) / 100) };
  writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`);
  return file;
}

export function readFaultRecords(dir = FAULTS_DIR): FaultRecord[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && f !== "summary.json")
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as FaultRecord)
    .sort((a, b) => a.fault.localeCompare(b.fault));
}

const refusedText = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([code, n]) => `${code} ${n}`)
    .join(", ") || "0";

export function faultTable(records: readonly FaultRecord[]): string {
  const rows = records.map((r) =>
    [r.fault, r.load, r.sent, r.succeeded, refusedText(r.refused), r.lost, r.duplicated, `${(r.recoveryMs / 1000).toFixed(1)} s`, r.loadAverage?.[0] ?? ""].join(" | "),
  );
  return [
    "| fault | load during it | sent | succeeded | refused (by code) | lost | duplicated | recovery | load avg (1 min) |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r} |`),
    "",
    ...records.map((r) => `- **${r.fault}**: ${r.reconciliation}`),
    "",
  ].join("\n");
}
