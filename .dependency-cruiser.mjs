// The architecture of DESIGN.md as dependency rules, checked by `make lint` (dependency-cruiser):
// tools -> services -> libs -> contracts, one way. A service never imports another service (they
// talk over gRPC), nor a tool; libs never import services or tools; contracts import nothing of
// ours; no relative import crosses a package; every @reviewlens/* import is declared in the
// importing package's package.json (test/, the cross-service tests, in the root one); no cycles.
// The declaration rules are generated from the package.json files, so they follow the packages.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = import.meta.dirname;
const readManifest = (folder) => JSON.parse(readFileSync(join(root, folder, "package.json"), "utf8"));

/** Every workspace folder (libs/x, services/x, tools/x) by its package name. */
const folderOf = new Map(
  ["libs", "services", "tools"].flatMap((layer) =>
    readdirSync(join(root, layer))
      .filter((name) => existsSync(join(root, layer, name, "package.json")))
      .map((name) => [readManifest(`${layer}/${name}`).name, `${layer}/${name}`]),
  ),
);

const escape = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A file of tests: `*.test.ts` anywhere, or anything under a package's test/ folder. */
const testFile = (folder) => `^${escape(folder)}/(test/|.*\\.test\\.ts$)`;
const declaredFolders = (deps) => Object.keys(deps ?? {}).flatMap((name) => (folderOf.has(name) ? [`^${escape(folderOf.get(name))}/`] : []));

/**
 * Per package: production code may import the workspaces its `dependencies` declare, tests also those
 * of `devDependencies`. The root package.json declares what test/ imports.
 */
function declarationRules(folder, manifest) {
  const own = folder === "." ? [] : [`^${escape(folder)}/`];
  const from = folder === "." ? "^test/" : `^${escape(folder)}/`;
  const production = [...own, ...declaredFolders(manifest.dependencies)];
  const tests = [...production, ...declaredFolders(manifest.devDependencies)];
  const where = folder === "." ? "the root package.json (for test/)" : `${folder}/package.json`;
  const comment = `import a @reviewlens/* package only when ${where} declares it ("@reviewlens/<name>": "*"; devDependencies for tests)`;
  const rule = (name, fromPath, fromPathNot, allowed) => ({
    name,
    comment,
    severity: "error",
    from: fromPathNot ? { path: fromPath, pathNot: fromPathNot } : { path: fromPath },
    to: { path: "^(libs|services|tools)/", pathNot: allowed },
  });
  return folder === "."
    ? [rule("undeclared-workspace-import", from, undefined, tests)]
    : [rule("undeclared-workspace-dependency", from, testFile(folder), production), rule("undeclared-workspace-dev-dependency", testFile(folder), undefined, tests)];
}

export default {
  forbidden: [
    {
      name: "no-service-to-service",
      comment: "a service never imports another service: they talk over gRPC (export what others need from the package index and import it from tools/ or test/ only)",
      severity: "error",
      from: { path: "^services/([^/]+)/" },
      to: { path: "^services/", pathNot: "^services/$1/" },
    },
    {
      name: "no-service-to-tools",
      comment: "services never import tools (benchmarks, the CLI, the demo): move shared code into a lib",
      severity: "error",
      from: { path: "^services/" },
      to: { path: "^tools/" },
    },
    {
      name: "no-lib-to-services-or-tools",
      comment: "libs never import services or tools: dependencies run tools -> services -> libs -> contracts",
      severity: "error",
      from: { path: "^libs/" },
      to: { path: "^(services|tools)/" },
    },
    {
      name: "contracts-import-nothing-of-ours",
      comment: "libs/contracts is generated from proto/ and imports no other package of ours",
      severity: "error",
      from: { path: "^libs/contracts/" },
      to: { path: "^(libs|services|tools|test)/", pathNot: "^libs/contracts/" },
    },
    // A package imported by its name resolves, through node_modules' workspace links, to its folder
    // (typed "aliased" where the root package.json is the closest one); a relative import is "local" only.
    {
      name: "no-relative-import-across-packages",
      comment: "a relative import stays inside its package: import another package by its name (@reviewlens/<name>) and its public exports",
      severity: "error",
      from: { path: "^(libs|services|tools)/([^/]+)/" },
      to: { dependencyTypes: ["local"], dependencyTypesNot: ["aliased"], pathNot: "^$1/$2/" },
    },
    {
      name: "no-relative-import-out-of-test",
      comment: "test/ reaches the packages by their names (@reviewlens/<name>), declared in the root package.json",
      severity: "error",
      from: { path: "^test/" },
      to: { dependencyTypes: ["local"], dependencyTypesNot: ["aliased"], pathNot: "^test/" },
    },
    {
      name: "no-circular",
      comment: "no import cycles",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "an import that resolves to no file (run `make proto` first for libs/contracts)",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    ...[...folderOf.values()].flatMap((folder) => declarationRules(folder, readManifest(folder))),
    ...declarationRules(".", readManifest(".")),
  ],
  options: {
    doNotFollow: { path: "(^|/)node_modules/" },
    tsConfig: { fileName: "tsconfig.json" },
    // Type-only imports count: a cycle or a boundary crossed only by types is still one.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".d.ts"],
    },
  },
};
