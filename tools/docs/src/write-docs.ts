// `make docs`: writes docs/configuration.md from the config schemas and splices the benchmarks'
// figures (docs/figures/*.md) into the pages that include them. Refuses while a variable has no
// description. `--check` writes nothing and exits 1 when a file is stale.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@reviewlens/testkit";
import { configComponents } from "./config-components.js";
import { undescribed } from "./config-table.js";
import { DOCS_COMMAND, expectedDocs } from "./expected-docs.js";

const missing = undescribed(configComponents);
if (missing.length > 0) {
  process.stderr.write(`every variable needs a description (.describe("...") beside it in its schema); missing:\n${missing.map((m) => `  - ${m}`).join("\n")}\n`);
  process.exit(1);
}
const check = process.argv.includes("--check");
const stale: string[] = [];
for (const [path, file] of expectedDocs(repoRoot)) {
  if (file.current === file.expected) continue;
  stale.push(path);
  if (!check) writeFileSync(join(repoRoot, path), file.expected);
}
if (check && stale.length > 0) {
  process.stderr.write(`stale: ${stale.join(", ")}; run \`${DOCS_COMMAND}\`\n`);
  process.exit(1);
}
process.stdout.write(stale.length === 0 ? "docs are current\n" : `${check ? "stale" : "wrote"}: ${stale.join(", ")}\n`);
