// `make bench-faults` ends here: the fault tests' records (bench-results/faults/*.json) as one
// markdown table (faults.md, and docs/figures/faults.md for the docs) and one JSON document (summary.json).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeDocsFigures } from "@reviewlens/bench/figures";
import { FAULTS_DIR, faultTable, readFaultRecords } from "./fault-record.js";

const records = readFaultRecords();
if (records.length === 0) {
  process.stderr.write(`no fault records in ${FAULTS_DIR}: run the fault tests first (make bench-faults)\n`);
  process.exit(1);
}
const table = faultTable(records);
writeFileSync(join(FAULTS_DIR, "faults.md"), `# Faults under load\n\n${table}`);
writeFileSync(join(FAULTS_DIR, "summary.json"), `${JSON.stringify({ generatedAt: new Date().toISOString(), records }, null, 2)}\n`);
const docsFigures = writeDocsFigures("faults", "make bench-faults", `Each row with the load average (1 min) its test ran at.\n\n${table}`);
process.stdout.write(`${table}\nWrote ${join(FAULTS_DIR, "faults.md")}, summary.json and ${docsFigures}\n`);
