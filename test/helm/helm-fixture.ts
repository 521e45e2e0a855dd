// Runs the real helm and kubectl binaries (scripts/fetch-k8s-tools.sh) against a private copy of
// helm/ whose file:// dependencies are built there, so test files never race on helm/*/charts/.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { IContainer, IPodSpec } from "kubernetes-models/v1";
import type { K8sKind, K8sKinds } from "./k8s-kinds.js";

export const repoRoot = join(import.meta.dirname, "..", "..");
const toolsBin = join(repoRoot, ".tools", "bin");
export const helmBin = join(toolsBin, "helm");
export const helm3Bin = join(toolsBin, "helm3");
/** The charts must work with both Helm majors. */
export const helmVersions = [
  { name: "helm 4", bin: helmBin },
  { name: "helm 3", bin: helm3Bin },
] as const;
export const kubectlBin = join(toolsBin, "kubectl");

export const componentCharts = ["inference-gateway", "vector-search", "sentiment", "summarization", "vllm", "vllm-sim", "scheduler", "watchdog"] as const;
/** The components that must scale on their own signal (issue 11). */
export const scaledCharts = ["inference-gateway", "vector-search", "sentiment", "summarization", "vllm"] as const;

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface ChartWorkspace {
  dir: string;
  helm(args: string[]): Run;
  /** `helm template` of a chart of the copy; throws with helm's message when it fails. */
  render(chart: string, args?: string[]): K8sObject[];
  close(): void;
}

export function run(bin: string, args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(bin, args, { cwd: repoRoot, encoding: "utf8", timeout: 60_000, env: { ...process.env, ...env } });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === "object");
}

export function openChartWorkspace(bin: string = helmBin): ChartWorkspace {
  execFileSync("bash", [join(repoRoot, "scripts", "fetch-k8s-tools.sh")], { stdio: ["ignore", "ignore", "inherit"] });
  const root = mkdtempSync(join(tmpdir(), "reviewlens-helm-"));
  const dir = join(root, "charts");
  cpSync(join(repoRoot, "helm"), dir, { recursive: true, filter: (src) => !/[/\\](charts|Chart\.lock)$/.test(src) });
  // Helm's own cache, config and data per workspace: test files run in parallel.
  const helmHomes = { HELM_CACHE_HOME: join(root, "cache"), HELM_CONFIG_HOME: join(root, "config"), HELM_DATA_HOME: join(root, "data") };
  execFileSync("bash", [join(repoRoot, "scripts", "helm-deps.sh")], { env: { ...process.env, ...helmHomes, HELM: bin, HELM_DIR: dir }, stdio: ["ignore", "ignore", "inherit"] });
  const helm = (args: string[]) => run(bin, args, helmHomes);
  return {
    dir,
    helm,
    render(chart, args = []) {
      const r = helm(["template", "rl", join(dir, chart), "--namespace", "reviewlens", ...args]);
      if (r.status !== 0) throw new Error(`helm template ${chart} ${args.join(" ")} failed:\n${r.stderr}`);
      return parseObjects(r.stdout);
    },
    close: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A rendered object of a known kind: its kubernetes-models interface, with the name every rendered object has. */
export type Rendered<K extends K8sKind> = K8sObject & K8sKinds[K];
const isKind = <K extends K8sKind>(o: K8sObject, kind: K): o is Rendered<K> => o.kind === kind;
export const byKind = <K extends K8sKind>(objects: K8sObject[], kind: K): Rendered<K>[] => objects.filter((o) => isKind(o, kind));
export const named = <K extends K8sKind>(objects: K8sObject[], kind: K, name: string): Rendered<K> | undefined =>
  byKind(objects, kind).find((o) => o.metadata.name === name);

// A missing part fails the test that reaches for it, naming what is missing.
export type Workload = Rendered<"Deployment"> | Rendered<"CronJob">;
/** The pod template of a Deployment, or of a CronJob's Job. */
export function podTemplateOf(o: Workload | undefined): { metadata?: { labels?: Record<string, string> }; spec: IPodSpec } {
  const template = o?.kind === "CronJob" ? o.spec?.jobTemplate.spec?.template : o?.spec?.template;
  return { ...template, spec: template?.spec ?? assert.fail(`${o ? `${o.kind} ${o.metadata.name}` : "the workload"}: no pod template`) };
}
export const podOf = (o: Workload | undefined): IPodSpec => podTemplateOf(o).spec;
export const firstContainer = (pod: IPodSpec): IContainer => pod.containers[0] ?? assert.fail("a pod without containers");

/** Values that turn on every optional part at once: both LLM backends, ServiceMonitors, all policies. */
export const everythingEnabled = [
  "--api-versions", "monitoring.coreos.com/v1/ServiceMonitor",
  "--set", "vllm-sim.enabled=true",
  "--set", "global.otlpEndpoint=http://otel-collector.observability.svc:4318",
  "--set", "inference-gateway.secretEnv.GATEWAY_API_KEY.secretName=reviewlens-gateway",
  "--set", "inference-gateway.secretEnv.GATEWAY_API_KEY.key=api-key",
  "--set", "inference-gateway.networkPolicy.extraFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=ingress-nginx",
  "--set", "inference-gateway.ingress.enabled=true",
  "--set", "inference-gateway.ingress.className=nginx",
  "--set", "inference-gateway.ingress.host=reviewlens.example.com",
  "--set", "vector-search.dataDir.existingClaim=reviewlens-vectors",
];

/** The image's command path for a service entry (scripts/bundle-services.mjs): services/x/src/main.ts -> dist/x.mjs. */
export const bundleOf = (entry: string) => `dist/${entry.split("/")[1]}.mjs`;
