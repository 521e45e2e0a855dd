// The report is one file that carries its charting library and its data.
import assert from "node:assert/strict";
import { it } from "node:test";
import { cdfOption } from "./chart-options.js";
import { renderReport } from "./html-report.js";

it("inlines echarts and the chart data, and escapes text", () => {
  const html = renderReport({
    title: "TTFT <p99>",
    summary: ["one </script> line"],
    sections: [{ heading: "h", table: { columns: ["a", "b"], rows: [["x", 1.234]] }, charts: [{ title: "cdf", option: cdfOption({ gw: [1, 2, 3] }, "ms") }] }],
  });
  assert.match(html, /^<!doctype html>/);
  assert.ok(html.length > 500_000, "echarts.min.js is inside the file");
  assert.doesNotMatch(html, /<script src=/);
  assert.match(html, /TTFT &lt;p99&gt;/);
  assert.match(html, /one &lt;\/script&gt; line/);
  assert.match(html, /<td>1\.23<\/td>/);
  assert.match(html, /"name":"gw"/);
});
