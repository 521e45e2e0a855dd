// What the image ships (make image): every file of it is listed (podman image mount) and checked
// against what production must not carry: devDependencies, tests, benchmarks, fixtures, documents,
// TypeScript sources, the repository's tooling; the user is unprivileged.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { repoRoot } from "@reviewlens/testkit";
import { image, podman } from "./podman.js";

let root: string;
let appFiles: string[];
before(() => {
  root = podman(["image", "mount", image]).stdout.trim();
  appFiles = walk(join(root, "app"));
});
after(() => podman(["image", "unmount", image], true));

function walk(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? walk(join(dir, e.name), rel) : [rel];
  });
}

const services = readdirSync(join(repoRoot, "services")).sort();

describe("the image", () => {
  it("holds the bundles, the reflection descriptor set and node_modules in /app, nothing else", () => {
    assert.deepEqual(readdirSync(join(root, "app")).sort(), ["descriptor.binpb", "dist", "node_modules"]);
    const dist = readdirSync(join(root, "app", "dist"));
    assert.deepEqual(dist.filter((f) => !/^chunk-[A-Z0-9]+\.mjs$/.test(f)).sort(), services.map((s) => `${s}.mjs`), "an entry point per service, plus shared chunks");
    assert.ok(!existsSync(join(root, "src")), "the build stage's /src is not in the image");
  });

  it("has no test, benchmark, fixture, document, TypeScript source or source map", () => {
    // Our files anywhere; in a package, its top-level folders (yaml's dist/doc/ is code, not a document).
    const folders = "(tests?|__tests__|spec|bench(marks?)?|fixtures?|docs?|examples?)\\/";
    const forbidden = new RegExp(
      `^(?!node_modules\\/)(.*\\/)?${folders}|node_modules\\/(@[^/]+\\/)?[^/]+\\/${folders}|\\.(test|spec)\\.|\\.(md|markdown|ts|mts|cts|map)$|(^|\\/)(README|CHANGELOG|HISTORY)(\\.[a-z]+)?$`,
      "i",
    );
    const offenders = appFiles.filter((f) => forbidden.test(f));
    assert.deepEqual(offenders.slice(0, 50), [], `${offenders.length} files that production does not need`);
  });

  it("has production dependencies only, each one loaded by the bundles: every package is in the lockfile and none is a devDependency", () => {
    const lock = (JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> }).packages;
    const packages = appFiles
      .filter((f) => /^node_modules\/(.+\/)?package\.json$/.test(f))
      .map((f) => f.slice(0, -"/package.json".length))
      // A package's own folder (node_modules/x or node_modules/@s/x), not a nested package.json of its files.
      .filter((p) => /(^|\/)node_modules\/(@[^/]+\/)?[^/@]+$/.test(p));
    assert.ok(packages.length > 0, "the packages esbuild cannot bundle (a native module) are installed");
    const unknown = packages.filter((p) => !lock[p]);
    const dev = packages.filter((p) => lock[p]?.dev);
    assert.deepEqual(unknown, [], "packages the lockfile does not have");
    assert.deepEqual(dev, [], "devDependencies");
    // The bundles name every package they leave to run time; a package none names is dead weight.
    const bundles = readdirSync(join(root, "app", "dist")).map((f) => readFileSync(join(root, "app", "dist", f), "utf8")).join("\n");
    const unused = packages.map((p) => p.slice("node_modules/".length)).filter((name) => !bundles.includes(`"${name}"`) && !bundles.includes(`"${name}/`));
    assert.deepEqual(unused, [], "packages no bundle imports");
    for (const tool of ["tsx", "esbuild", "typescript", "eslint", "@bufbuild/buf", "ts-proto"]) {
      assert.ok(!packages.includes(`node_modules/${tool}`), `${tool} is not in the image`);
    }
    assert.ok(!packages.some((p) => p.startsWith("node_modules/@reviewlens/")), "the workspaces are bundled, not installed");
  });

  it("runs as the unprivileged user node (uid 1000) with /data owned by it", () => {
    assert.equal(podman(["image", "inspect", "--format", "{{.Config.User}}", image]).stdout.trim(), "node");
    const passwd = readFileSync(join(root, "etc", "passwd"), "utf8");
    assert.match(passwd, /^node:x:1000:1000:/m);
    assert.equal(statSync(join(root, "data")).uid, 1000);
    assert.equal(statSync(join(root, "app")).uid, 0, "the code is not writable by the service");
  });
});
