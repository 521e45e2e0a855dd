// The dependency rules `make lint` checks (.dependency-cruiser.mjs): on a copy of the repository's
// packages, the untouched tree passes, and each planted forbidden import fails with the rule that
// names it (and only where it was planted).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { repoRoot } from "@reviewlens/testkit";

const PACKAGE_FOLDERS = ["libs", "services", "tools"];
const depcruise = join(repoRoot, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

let copy: string;
const planted: string[] = [];

/** The packages, test/ and the root manifests; node_modules as links, the workspaces' to the copy. */
function copyRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), "dependency-rules-"));
  for (const file of ["package.json", "tsconfig.json", "tsconfig.base.json", ".dependency-cruiser.mjs"]) cpSync(join(repoRoot, file), join(dir, file));
  for (const folder of [...PACKAGE_FOLDERS, "test"]) {
    cpSync(join(repoRoot, folder), join(dir, folder), { recursive: true, filter: (source) => basename(source) !== "node_modules" });
  }
  // A workspace's own node_modules (versions that differ from the hoisted ones).
  for (const layer of PACKAGE_FOLDERS) {
    for (const name of readdirSync(join(repoRoot, layer))) {
      const nested = join(repoRoot, layer, name, "node_modules");
      if (existsSync(nested)) symlinkSync(nested, join(dir, layer, name, "node_modules"));
    }
  }
  mkdirSync(join(dir, "node_modules", "@reviewlens"), { recursive: true });
  for (const entry of readdirSync(join(repoRoot, "node_modules"))) {
    if (entry !== "@reviewlens") symlinkSync(join(repoRoot, "node_modules", entry), join(dir, "node_modules", entry));
  }
  for (const layer of PACKAGE_FOLDERS) {
    for (const name of readdirSync(join(dir, layer))) {
      if (existsSync(join(dir, layer, name, "package.json"))) symlinkSync(join("..", "..", layer, name), join(dir, "node_modules", "@reviewlens", name));
    }
  }
  return dir;
}

interface Violation {
  rule: string;
  from: string;
  to: string;
}

/** depcruise on the copy as `make lint` runs it (its config, the err reporter): exit code and violations. */
function runRules(paths: string[]): Promise<{ code: number; violations: Violation[]; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [depcruise, "--output-type", "err", ...paths], { cwd: copy, timeout: 240_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      // An ExecFileException is an Error; its type (an Omit<> of ExecException) does not say so.
      const failure: Error | null = error;
      if (failure && typeof error?.code !== "number") return reject(failure);
      // "error <rule>: <from> → <to>"; a cycle goes on, a module a line, back to <from>.
      const violations = [...stdout.matchAll(/^\s*error (\S+): (\S+) →\s+(\S+)/gm)].map(([, rule, from, to]) => ({ rule: rule!, from: from!, to: to! }));
      resolve({ code: typeof error?.code === "number" ? error.code : 0, violations, output: stdout + stderr });
    });
  });
}

function plant(path: string, source: string): string {
  mkdirSync(dirname(join(copy, path)), { recursive: true });
  writeFileSync(join(copy, path), source);
  planted.push(path);
  return path;
}

/** Plants the files, runs the rules on `scope`, and expects exactly these violations. */
async function expectViolations(scope: string[], expected: Violation[]) {
  const result = await runRules(scope);
  assert.notEqual(result.code, 0, `the rules passed:\n${result.output}`);
  const sort = (vs: Violation[]) => [...vs].sort((a, b) => `${a.rule}${a.from}${a.to}`.localeCompare(`${b.rule}${b.from}${b.to}`));
  assert.deepEqual(sort(result.violations), sort(expected), result.output);
}

describe("the dependency rules (make lint)", () => {
  before(() => {
    copy = copyRepository();
  });
  after(() => rmSync(copy, { recursive: true, force: true }));
  afterEach(() => {
    for (const path of planted.splice(0)) rmSync(join(copy, path), { force: true });
  });

  it("pass on the untouched tree", async () => {
    const result = await runRules([...PACKAGE_FOLDERS, "test"]);
    assert.deepEqual(result.violations, [], result.output);
    assert.equal(result.code, 0, result.output);
  });

  it("refuse a service importing another service, even one its package.json declared", async () => {
    const from = plant("services/sentiment/src/planted.ts", 'import { ReviewIndex } from "@reviewlens/vector-search";\nexport const planted = ReviewIndex;\n');
    await expectViolations(["services/sentiment"], [
      { rule: "no-service-to-service", from, to: "services/vector-search/src/index.ts" },
      { rule: "undeclared-workspace-dependency", from, to: "services/vector-search/src/index.ts" },
    ]);
  });

  it("refuse a lib importing a tool", async () => {
    const from = plant("libs/embedder/src/planted.ts", 'import { runBenchCommand } from "@reviewlens/bench";\nexport const planted = runBenchCommand;\n');
    await expectViolations(["libs/embedder/src/planted.ts"], [
      { rule: "no-lib-to-services-or-tools", from, to: "tools/bench/src/index.ts" },
      { rule: "undeclared-workspace-dependency", from, to: "tools/bench/src/index.ts" },
    ]);
  });

  it("refuse a relative import into another package, though that package is declared", async () => {
    const from = plant("services/sentiment/src/planted.ts", 'import { getTokenizer } from "../../../libs/tokenizer/src/index.js";\nexport const planted = getTokenizer;\n');
    await expectViolations(["services/sentiment/src/planted.ts"], [{ rule: "no-relative-import-across-packages", from, to: "libs/tokenizer/src/index.ts" }]);
  });

  it("refuse a @reviewlens import the package.json does not declare, and a devDependency in production code", async () => {
    const undeclared = plant("services/sentiment/src/planted.ts", 'import { createHashingEmbedder } from "@reviewlens/embedder";\nexport const planted = createHashingEmbedder;\n');
    const devOnly = plant("services/sentiment/src/planted-dev.ts", 'import { waitFor } from "@reviewlens/testkit";\nexport const planted = waitFor;\n');
    await expectViolations([undeclared, devOnly], [
      { rule: "undeclared-workspace-dependency", from: undeclared, to: "libs/embedder/src/index.ts" },
      { rule: "undeclared-workspace-dependency", from: devOnly, to: "libs/testkit/src/index.ts" },
    ]);
  });

  it("refuse an import cycle", async () => {
    const a = plant("libs/embedder/src/planted-a.ts", 'import { b } from "./planted-b.js";\nexport const a = () => b;\n');
    const b = plant("libs/embedder/src/planted-b.ts", 'import { a } from "./planted-a.js";\nexport const b = () => a;\n');
    await expectViolations([a], [{ rule: "no-circular", from: a, to: b }]);
  });

  it("refuse a root test reaching into a package by a relative path", async () => {
    const from = plant("test/planted/planted.test.ts", 'import { repoRoot } from "../../libs/testkit/src/index.js";\nexport const planted = repoRoot;\n');
    await expectViolations([from], [{ rule: "no-relative-import-out-of-test", from, to: "libs/testkit/src/index.ts" }]);
  });
});
