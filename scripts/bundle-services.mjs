// Bundles each service's composition root (services/<name>/src/main.ts) into OUT/dist/<name>.mjs
// with esbuild, for the image: it then runs on plain Node (tsx, which compiles TypeScript on every
// start, is a devDependency). The repository's code and its npm dependencies are bundled, split into
// chunks the services share (OUT/dist/chunk-*.mjs), so the image carries one copy of each module it
// loads and none of what the packages ship beside it (other module formats, other builds, typings).
//
// Left as packages in OUT/node_modules, copied from node_modules with their own dependencies:
// - platform binaries (a native addon built for one platform: LanceDB's), which the loader of the
//   package that lists them picks at run time by platform;
// - packages that read their own files at run time (PGlite's WebAssembly and data files, found
//   relative to its module).
// The gRPC reflection descriptor set goes to OUT/descriptor.binpb: libs/contracts finds it at
// ../descriptor.binpb from the code, which is OUT/dist/ once bundled.
//
// usage: node scripts/bundle-services.mjs OUT
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { isBuiltin } from "node:module";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
const out = resolve(process.argv[2] ?? "");
if (!process.argv[2]) {
  console.error("usage: node scripts/bundle-services.mjs OUT");
  process.exit(2);
}
const services = readdirSync(join(root, "services")).sort();
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")).packages;

/** Packages that locate their own files (relative to their module) at run time. */
const readsOwnFiles = new Set(["@electric-sql/pglite"]);
/** A package whose entry point is a native addon, built for one platform (`os`/`cpu` in the lockfile). */
const platformBinary = (name) => {
  const entry = lock[`node_modules/${name}`];
  const manifest = join(root, "node_modules", name, "package.json");
  return Boolean(entry && (entry.os || entry.cpu) && existsSync(manifest) && /\.node$/.test(JSON.parse(readFileSync(manifest, "utf8")).main ?? ""));
};
const packageName = (path) => path.split("/").slice(0, path.startsWith("@") ? 2 : 1).join("/");

const externalPackages = {
  name: "external-packages",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = packageName(args.path);
      return readsOwnFiles.has(name) || platformBinary(name) ? { path: args.path, external: true } : undefined;
    });
  },
};

rmSync(join(out, "dist"), { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(services.map((s) => [s, join("services", s, "src", "main.ts")])),
  outdir: join(out, "dist"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // Shared chunks next to the entry points, so every module's ../descriptor.binpb is OUT/.
  splitting: true,
  chunkNames: "chunk-[hash]",
  sourcemap: false,
  legalComments: "none",
  metafile: true,
  // Bundled CommonJS calls require() (Node's built-ins, the packages above): give ESM a real one.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  logLevel: "warning",
  plugins: [externalPackages],
});

// What the bundles import from node_modules, with the dependencies of those packages.
const imported = new Set(
  Object.values(result.metafile.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => i.external && !isBuiltin(i.path))
    .map((i) => packageName(i.path))
    // Installed: another platform's binary, required inside a try, is left out by esbuild too.
    .filter((name) => lock[`node_modules/${name}`] && existsSync(join(root, "node_modules", name))),
);
// Platform binaries are required by the loader of the package that lists them (inside a try, which
// esbuild leaves to run time): the installed ones among the optional dependencies of bundled packages.
const inputPackage = (path) => {
  const at = path.lastIndexOf("node_modules/");
  return at < 0 ? undefined : packageName(path.slice(at + "node_modules/".length));
};
const bundled = new Set(Object.keys(result.metafile.inputs).map(inputPackage).filter(Boolean));
for (const name of bundled) {
  for (const dep of Object.keys(lock[`node_modules/${name}`]?.optionalDependencies ?? {})) {
    if (platformBinary(dep)) imported.add(dep);
  }
}
const shipped = new Set();
const ship = (name) => {
  if (shipped.has(name)) return;
  shipped.add(name);
  for (const dep of Object.keys(lock[`node_modules/${name}`]?.dependencies ?? {})) ship(dep);
};
for (const name of imported) ship(name);

/** What a package ships that never runs: typings, source maps, TypeScript sources, documents. */
const notRun = /(\.d\.[cm]?ts|\.[cm]?ts|\.map|\.md|\.markdown)$|^(README|CHANGELOG|HISTORY)(\.[a-z]+)?$/i;
rmSync(join(out, "node_modules"), { recursive: true, force: true });
for (const name of [...shipped].sort()) {
  cpSync(join(root, "node_modules", name), join(out, "node_modules", name), {
    recursive: true,
    filter: (src) => !notRun.test(src.slice(src.lastIndexOf("/") + 1)),
  });
}
mkdirSync(out, { recursive: true });
cpSync(join(root, "libs", "contracts", "descriptor.binpb"), join(out, "descriptor.binpb"));
console.log(`bundled ${services.join(", ")} into ${join(out, "dist")}; node_modules: ${[...shipped].sort().join(", ")}`);
