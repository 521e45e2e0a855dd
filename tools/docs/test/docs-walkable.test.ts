// A newcomer can walk the docs: every relative link of the README and docs/ reaches a file and a
// heading, and the README's layout table names every workspace package.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { docPages } from "@reviewlens/bench/figures";
import { repoRoot } from "@reviewlens/testkit";
import { brokenLinks } from "../src/doc-links.js";

it("every relative link in the README and docs/ reaches an existing file and heading", () => {
  const pages = new Map(docPages(repoRoot).map((p) => [p, readFileSync(join(repoRoot, p), "utf8")]));
  assert.ok(pages.size > 5, "the README and the docs pages are found");
  assert.deepEqual(brokenLinks(pages, (p) => existsSync(join(repoRoot, p))), []);
});

it("the README's layout table has a row for every package of the npm workspaces", () => {
  const workspaces = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { workspaces: string[] }).workspaces;
  const packages = workspaces.flatMap((glob) => {
    const dir = glob.replace(/\/\*$/, "");
    return readdirSync(join(repoRoot, dir), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(repoRoot, dir, e.name, "package.json")))
      .map((e) => `${dir}/${e.name}`);
  });
  assert.ok(packages.length > 10, `workspace packages found: ${packages.join(", ")}`);
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  assert.deepEqual(packages.filter((p) => !readme.includes(`| \`${p}\` |`)), [], "packages missing from the README's layout table");
});
