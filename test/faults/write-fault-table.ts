// `make bench-faults` ends here: the fault tests' records (bench-results/faults/*.json) as one
// markdown table (faults.md) and one JSON document (summary.json).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FAULTS_DIR, faultTable, readFaultRecords } from "./fault-record.js";

const records = readFaultRecords();
if (records.length === 0) {
  process.stderr.write(`no fault records in ${FAULTS_DIR}: run the fault tests first (make bench-faults)\n`);
  process.exit(1);
}
const table = faultTable(records);
writeFileSync(join(FAULTS_DIR, "faults.md"), `# Faults under load\n\n${table}`);
writeFileSync(join(FAULTS_DIR, "summary.json"), `${JSON.stringify({ generatedAt: new Date().toISOString(), records }, null, 2)}\n`);
process.stdout.write(table);
