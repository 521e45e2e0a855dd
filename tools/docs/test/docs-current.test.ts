// The generated parts of the docs match their sources: docs/configuration.md the config schemas
// (every variable described), and each page's included figures the files the benchmarks wrote.
import assert from "node:assert/strict";
import { it } from "node:test";
import { repoRoot } from "@reviewlens/testkit";
import { configComponents } from "../src/config-components.js";
import { undescribed } from "../src/config-table.js";
import { DOCS_COMMAND, expectedDocs } from "../src/expected-docs.js";

it("every configuration variable has a description", () => {
  const missing = undescribed(configComponents);
  assert.deepEqual(missing, [], `add .describe("...") beside each in its schema, then run \`${DOCS_COMMAND}\`: ${missing.join(", ")}`);
});

it("docs/configuration.md and the pages' included figures are what `make docs` writes", () => {
  const docs = expectedDocs(repoRoot);
  assert.ok(docs.has("docs/configuration.md"));
  assert.ok([...docs.keys()].some((p) => p !== "docs/configuration.md"), "some page includes benchmark figures");
  for (const [path, file] of docs) {
    assert.ok(file.current !== undefined, `${path} is missing: run \`${DOCS_COMMAND}\``);
    assert.ok(file.current === file.expected, `${path} is stale: run \`${DOCS_COMMAND}\` (it regenerates the file from the config schemas and docs/figures/)`);
  }
});
