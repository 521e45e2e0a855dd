// Scales a Kubernetes Deployment to zero replicas through the API server (the scale subresource).
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
 * In a pod: the service account (needs `patch` on `deployments/scale`). Elsewhere: KUBECONFIG or
 * ~/.kube/config. Refuses to guess (the client's own last resort is http://localhost:8080).
 */
export function loadKubeConfig(env: Record<string, string | undefined> = process.env): KubeConfig {
  const kc = new KubeConfig();
  if (env["KUBERNETES_SERVICE_HOST"]) {
    kc.loadFromCluster();
    return kc;
  }
  const file = env["KUBECONFIG"] || join(homedir(), ".kube", "config");
  if (!existsSync(file)) {
    throw new Error(`ACTUATOR=kubernetes needs a cluster: run in a pod, or set KUBECONFIG (no file at ${file})`);
  }
  kc.loadFromDefault();
  return kc;
}

export function createKubernetesActuator(options: KubernetesActuatorOptions): Actuator {
  const api = options.kubeConfig.makeApiClient(AppsV1Api);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    target: `kubernetes deployment ${options.namespace}/${options.deployment}`,
    async stop(signal) {
      // The generated client takes no AbortSignal: race it against the caller's signal and a timeout.
      const patch = api.patchNamespacedDeploymentScale(
        { name: options.deployment, namespace: options.namespace, body: { spec: { replicas: 0 } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
      let timer: NodeJS.Timeout | undefined;
      const abandoned = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the API server did not answer within ${timeoutMs} ms`)), timeoutMs);
        signal.addEventListener("abort", () => reject(new Error("stop aborted")), { once: true });
      });
      try {
        await Promise.race([patch, abandoned]);
      } catch (error) {
        throw new Error(`scaling ${options.namespace}/${options.deployment} to 0 failed: ${describe(error)}`, { cause: error });
      } finally {
        clearTimeout(timer);
        patch.catch(() => {});
      }
    },
  };
}

function describe(error: unknown): string {
  if (error && typeof error === "object" && "code" in error && "body" in error) {
    const body = typeof error.body === "string" ? error.body : JSON.stringify(error.body);
    return `HTTP ${String(error.code)}: ${body.slice(0, 300)}`;
  }
  return error instanceof Error ? error.message : String(error);
}
