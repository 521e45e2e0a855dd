import assert from "node:assert/strict";
import { test } from "node:test";
import { spliceFigures } from "./readme-figures.js";

const readme = ["# Doc", "<!-- figures: bench-results/a/a.md -->", "| old | a |", "<!-- /figures -->", "between", "<!-- figures: bench-results/b/b.md -->", "| old b |", "<!-- /figures -->", "end", ""].join("\n");

test("each figures block takes its file's content; the text around the blocks stays", () => {
  const files: Record<string, string> = { "bench-results/a/a.md": "| new | a |\n|---|---|\n\n", "bench-results/b/b.md": "# Title of b\n\n| new b |" };
  const result = spliceFigures(readme, (f) => files[f]);
  assert.equal(
    result.text,
    ["# Doc", "<!-- figures: bench-results/a/a.md -->", "| new | a |", "|---|---|", "<!-- /figures -->", "between", "<!-- figures: bench-results/b/b.md -->", "| new b |", "<!-- /figures -->", "end", ""].join("\n"),
  );
  assert.deepEqual(result.spliced, ["bench-results/a/a.md", "bench-results/b/b.md"]);
  assert.deepEqual(spliceFigures(result.text, (f) => files[f]).text, result.text, "splicing again changes nothing");
});

test("a block whose file was not written here keeps its figures and is reported missing", () => {
  const result = spliceFigures(readme, (f) => (f === "bench-results/b/b.md" ? "| new b |" : undefined));
  assert.match(result.text, /\| old \| a \|/);
  assert.doesNotMatch(result.text, /\| old b \|/);
  assert.deepEqual(result.missing, ["bench-results/a/a.md"]);
});
