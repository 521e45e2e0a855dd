import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { figureFile } from "./figure-file.js";
import { figuresBody, includedSubjects, spliceFigures } from "./figure-includes.js";

const figures: Record<string, string> = { gateway: "| a | b |\n|---|---|\n| 1 | 2 |\n", sim: "fast\n" };
const read = (subject: string) => {
  const text = figures[subject];
  if (text === undefined) throw new Error(`no figures for ${subject}`);
  return text;
};

describe("figure includes", () => {
  it("replaces what stands between each pair of markers and leaves the rest of the page alone", () => {
    const page = "# Gateway\n\nbefore\n<!-- figures:gateway -->\nold numbers\n<!-- /figures:gateway -->\nafter\n<!-- figures:sim -->\n<!-- /figures:sim -->\n";
    const spliced = spliceFigures(page, read);
    assert.equal(spliced, "# Gateway\n\nbefore\n<!-- figures:gateway -->\n| a | b |\n|---|---|\n| 1 | 2 |\n<!-- /figures:gateway -->\nafter\n<!-- figures:sim -->\nfast\n<!-- /figures:sim -->\n");
    assert.equal(spliceFigures(spliced, read), spliced, "splicing again changes nothing");
    assert.deepEqual(includedSubjects(page), ["gateway", "sim"]);
  });

  it("refuses an opening marker without its closing one", () => {
    assert.throws(() => spliceFigures("<!-- figures:gateway -->\nx\n", read), /no matching/);
    assert.throws(() => spliceFigures("<!-- figures:gateway -->\nx\n<!-- /figures:sim -->\n", read), /no matching/);
  });

  it("names a subject that has no figures file", () => {
    assert.throws(() => spliceFigures("<!-- figures:nope -->\n<!-- /figures:nope -->\n", read), /no figures for nope/);
  });

  it("heads a figures file with the command and the machine, demotes its headings, and shows pages only the body", () => {
    const file = figureFile("sim", { command: "make bench-sim", at: new Date("2026-12-07T10:20:30Z"), cores: 2, loadAverage: [1.26, 0.5, 0.25] }, "# Title\n\n## Part\n| a |\n");
    assert.match(file, /^<!-- Written by the benchmark \(sim\)/);
    assert.match(file, /Measured by `make bench-sim` on 2026-12-07 10:20 UTC \(2 cores, load average 1\.3 0\.5 0\.3 at the end/);
    assert.match(file, /^\*\*Title\*\*$/m);
    assert.match(file, /^\*\*Part\*\*$/m);
    assert.doesNotMatch(figuresBody(file), /Written by/);
    assert.match(figuresBody(file), /^Measured by/);
  });
});
