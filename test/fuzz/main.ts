// `make fuzz`: the long fuzz run. Writes bench-results/fuzz/counts.json and counts.md; exits 1
// when any input found a defect (listed on stderr, the services' logs in bench-results/fuzz/logs/).
// FUZZ_SEED and FUZZ_RUNS (per category) override; FUZZ_ONLY (a regular expression over names such
// as InferenceGatewayService/Embed or "facade") narrows a replay.
import { writeCounts } from "./fuzz-counts.js";
import { runFuzzSession } from "./fuzz-session.js";

const seed = Number(process.env["FUZZ_SEED"] ?? Date.now() % 1_000_000);
const runs = Number(process.env["FUZZ_RUNS"] ?? 300);
const summary = await runFuzzSession({
  seed,
  runs: { valid: runs, boundary: runs, mutation: runs, raw: runs },
  analysisShare: 0.2,
  ...(process.env["FUZZ_ONLY"] ? { only: new RegExp(process.env["FUZZ_ONLY"]) } : {}),
  logsDir: "bench-results/fuzz/logs",
  log: (line) => process.stderr.write(`fuzz: ${line}\n`),
});
writeCounts("bench-results/fuzz", summary);
process.stderr.write(`fuzz: seed ${seed}, ${summary.failures.length} failures; counts in bench-results/fuzz/counts.md\n`);
for (const f of summary.failures) process.stderr.write(`\n${f.rpc} [${f.category}] ${f.input}\n  ${f.problems.join("\n  ")}\n`);
process.exit(summary.failures.length > 0 ? 1 : 0);
