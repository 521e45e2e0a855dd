import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { brokenLinks, headingAnchors } from "./doc-links.js";

describe("doc links", () => {
  it("gives headings GitHub's anchors: lower case, punctuation and backticks dropped, repeats numbered", () => {
    const anchors = headingAnchors("# Ops\n## A backend's own 503 admission\n### Scheduler (`services/scheduler`)\n## Tests\n## Tests\n```sh\n# not a heading\n```\n");
    assert.deepEqual([...anchors], ["ops", "a-backends-own-503-admission", "scheduler-servicesscheduler", "tests", "tests-1"]);
  });

  it("finds links to missing files and missing headings, relative to the linking page", () => {
    const pages = new Map([
      ["README.md", "[a](docs/a.md#two) [gone](docs/gone.md) [web](https://example.com/x.md#y) [src](services/x/)"],
      ["docs/a.md", "# One\n## Two\n[up](../README.md) [here](#one) [bad](#three) [sib](b.md#one)\n```\n[not a link](nowhere.md)\n```"],
    ]);
    const broken = brokenLinks(pages, (p) => p === "services/x");
    assert.deepEqual(broken, ["README.md: docs/gone.md (no such file)", "docs/a.md: #three (no such heading)", "docs/a.md: b.md#one (no such file)"]);
  });
});
