// Bundles each service's composition root (services/<name>/src/main.ts) into OUT/dist/<name>.mjs
// with esbuild, for the image: it then runs on plain Node with production dependencies only (tsx,
// which compiles TypeScript on every start, is a devDependency). Only the repository's own code
// (the @reviewlens/* workspaces and relative imports) is bundled; every npm package stays an import
// of node_modules, so native (LanceDB) and file-loading (PGlite, the tokenizer) packages work as
// installed. The gRPC reflection descriptor set goes to OUT/descriptor.binpb: libs/contracts finds it
// at ../descriptor.binpb from the code, which is OUT/dist/ once bundled.
//
// usage: node scripts/bundle-services.mjs OUT
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
const out = resolve(process.argv[2] ?? "");
if (!process.argv[2]) {
  console.error("usage: node scripts/bundle-services.mjs OUT");
  process.exit(2);
}
const services = readdirSync(join(root, "services")).sort();

/**
 * CommonJS packages imported by name (`import { Ajv } from "ajv"`), which tsx allows but Node's ESM
 * loader refuses (it cannot see their exports): bundled, so esbuild does the interop.
 */
const bundledPackages = new Set(["ajv"]);
const packageName = (path) => path.split("/").slice(0, path.startsWith("@") ? 2 : 1).join("/");

/**
 * npm packages stay external; bundled are the workspaces (@reviewlens/*), relative paths, and
 * bundledPackages with their own dependencies (imported from inside node_modules).
 */
const externalPackages = {
  name: "external-packages",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { path: args.path, external: true };
      const name = packageName(args.path);
      const inBundledPackage = args.importer.includes("/node_modules/");
      return name.startsWith("@reviewlens/") || bundledPackages.has(name) || inBundledPackage ? undefined : { path: args.path, external: true };
    });
  },
};

await build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(services.map((s) => [s, join("services", s, "src", "main.ts")])),
  outdir: join(out, "dist"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  splitting: false,
  sourcemap: false,
  legalComments: "none",
  // Bundled CommonJS calls require() for its own dependencies (external): give ESM a real one.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  logLevel: "warning",
  plugins: [externalPackages],
});
mkdirSync(out, { recursive: true });
copyFileSync(join(root, "libs", "contracts", "descriptor.binpb"), join(out, "descriptor.binpb"));
console.log(`bundled ${services.join(", ")} into ${join(out, "dist")}`);
