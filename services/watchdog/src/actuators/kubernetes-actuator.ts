// Scales a Kubernetes Deployment to zero replicas, and back to one, through the API server (the scale subresource).
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { type Actuator } from "./actuator.js";

export interface KubernetesActuatorOptions {
  namespace: string;
  deployment: string;
  kubeConfig: KubeConfig;
  timeoutMs?: number;
}

/**
 * In a pod: the service account (needs `get` and `patch` on `deployments/scale`). Elsewhere:
 * KUBECONFIG or ~/.kube/config. Refuses to guess (the client's own last resort is http://localhost:8080).
 */
export function loadKubeConfig(env: Record<string, string | undefined> = process.env): KubeConfig {
  const kc = new KubeConfig();
  if (env["KUBERNETES_SERVICE_HOST"]) {
    kc.loadFromCluster();
    return kc;
  }
  const file = env["KUBECONFIG"] || join(homedir(), ".kube", "config");
  if (!existsSync(file)) {
    throw new Error(`WATCHDOG_ACTUATOR=kubernetes needs a cluster: run in a pod, or set KUBECONFIG (no file at ${file})`);
  }
  kc.loadFromDefault();
  return kc;
}

export function createKubernetesActuator(options: KubernetesActuatorOptions): Actuator {
  const api = options.kubeConfig.makeApiClient(AppsV1Api);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const name = `${options.namespace}/${options.deployment}`;
  const scaleTo = (replicas: number) =>
    api.patchNamespacedDeploymentScale(
      { name: options.deployment, namespace: options.namespace, body: { spec: { replicas } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  return {
    target: `kubernetes deployment ${name}`,
    async stop(signal) {
      await bounded(scaleTo(0), `scaling ${name} to 0`, timeoutMs, signal);
    },
    async start(signal) {
      // Back to one replica only from zero: an autoscaler may have scaled it out meanwhile, and a
      // second wake must not scale it in.
      const scale = await bounded(api.readNamespacedDeploymentScale({ name: options.deployment, namespace: options.namespace }), `reading the scale of ${name}`, timeoutMs, signal);
      if ((scale.spec?.replicas ?? 0) > 0) return;
      await bounded(scaleTo(1), `scaling ${name} to 1`, timeoutMs, signal);
    },
  };
}

/** The generated client takes no AbortSignal: race its call against the caller's signal and a timeout. */
async function bounded<T>(call: Promise<T>, what: string, timeoutMs: number, signal: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the API server did not answer within ${timeoutMs} ms`)), timeoutMs);
    signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
  });
  try {
    return await Promise.race([call, abandoned]);
  } catch (error) {
    throw new Error(`${what} failed: ${describe(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
    call.catch(() => {});
  }
}

function describe(error: unknown): string {
  if (error && typeof error === "object" && "code" in error && "body" in error) {
    const body = typeof error.body === "string" ? error.body : JSON.stringify(error.body);
    return `HTTP ${String(error.code)}: ${body.slice(0, 300)}`;
  }
  return error instanceof Error ? error.message : String(error);
}
