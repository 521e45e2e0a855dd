// The index page links every benchmark that follows the bench-results/<name>/ convention.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { writeIndexPage } from "../experiments/index-page.js";

it("lists each result with its headline and links its report", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-index-"));
  try {
    mkdirSync(join(dir, "sjf"));
    writeFileSync(join(dir, "sjf", "result.json"), JSON.stringify({ headline: ["small p95 <fast>"] }));
    writeFileSync(join(dir, "sjf", "report.html"), "<html></html>");
    mkdirSync(join(dir, "gateway"));
    writeFileSync(join(dir, "gateway", "result.json"), "{not json");
    mkdirSync(join(dir, "empty"));
    const { file, entries } = await writeIndexPage(dir);
    assert.deepEqual(entries.map((e) => e.name), ["gateway", "sjf"]);
    const html = readFileSync(file, "utf8");
    assert.match(html, /<a href="sjf\/report.html">sjf<\/a>/);
    assert.match(html, /small p95 &lt;fast&gt;/);
    assert.match(html, /not valid JSON/);
    assert.doesNotMatch(html, /href="gateway\/report.html"/, "no link to a report that does not exist");
    assert.doesNotMatch(html, /echarts/, "no charting library on a page without charts");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
