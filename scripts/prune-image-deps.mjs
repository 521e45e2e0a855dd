// Removes from an `npm ci --omit=dev` tree (run in its folder) what the image never loads:
// - packages the lockfile marks optional, except platform binaries (an entry with `os`/`cpu` that a
//   package we keep lists in optionalDependencies: LanceDB's native module): LanceDB's optional
//   embedding helpers
//   (@huggingface/transformers with onnxruntime and sharp, ~330 MB) are imported only by its
//   embedding functions, which we do not use;
// - packages installed only as peers (PGlite's extensions), TypeScript and @types/* (a peer of the
//   Qdrant client for its typings);
// - type declarations, source maps, TypeScript sources, READMEs and changelogs inside packages, and
//   their test, benchmark, fixture, example and doc folders (unless the package's entry points are
//   in one).
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const lock = JSON.parse(readFileSync("package-lock.json", "utf8")).packages;
let removed = 0;
const remove = (path) => {
  rmSync(path, { recursive: true, force: true });
  removed++;
};

const installed = Object.entries(lock).filter(([path]) => path.startsWith("node_modules/") && existsSync(path));
const isOptional = (entry) => entry.optional || entry.devOptional;
/** Where Node finds `dep` from the package at `path`: its own node_modules, else the hoisted copy. */
const resolveFrom = (path, dep) => [`${path}/node_modules/${dep}`, `node_modules/${dep}`].find((p) => lock[p]);
const platformBinaries = new Set(
  installed
    .filter(([, e]) => !isOptional(e))
    .flatMap(([path, e]) => Object.keys(e.optionalDependencies ?? {}).map((dep) => resolveFrom(path, dep)))
    .filter((path) => path && (lock[path].os || lock[path].cpu)),
);
for (const [path, entry] of installed) {
  const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
  const optionalFeature = isOptional(entry) && !platformBinaries.has(path);
  if (optionalFeature || entry.peer || name === "typescript" || name.startsWith("@types/")) remove(path);
}

const droppedFile = /(\.d\.[cm]?ts|\.ts|\.map|\.md|\.markdown|\.(test|spec)\.[cm]?js)$|^(README|CHANGELOG|HISTORY)(\.[a-z]+)?$/i;
const droppedDir = /^(tests?|__tests__|spec|bench(marks?)?|fixtures?|docs?|examples?)$/i;
/** The package's entry points (main, module, exports, bin) as one string, to keep a folder they use. */
const entryPoints = (dir) => {
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) return undefined;
  const pkg = JSON.parse(readFileSync(manifest, "utf8"));
  return JSON.stringify([pkg.main, pkg.module, pkg.exports, pkg.bin, pkg.browser]);
};
/** Folders are dropped only at a package's top (yaml's dist/doc/ is code, its docs/ would not be). */
const packageRoot = /(^|\/)node_modules\/(@[^/]+\/)?[^/@][^/]*$/;
const walk = (dir) => {
  const entries = packageRoot.test(dir) ? entryPoints(dir) : undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entries !== undefined && droppedDir.test(entry.name) && !entries.includes(`${entry.name}/`)) remove(path);
      else walk(path);
    } else if (entry.isFile() && droppedFile.test(entry.name)) remove(path);
  }
};
walk("node_modules");
const size = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((s, e) => s + (e.isDirectory() ? size(join(dir, e.name)) : e.isFile() ? statSync(join(dir, e.name)).size : 0), 0);
console.log(`prune-image-deps: removed ${removed} paths, node_modules is ${(size("node_modules") / 1e6).toFixed(0)} MB`);
