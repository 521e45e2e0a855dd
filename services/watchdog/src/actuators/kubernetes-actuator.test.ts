import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { startRecordingServer } from "@reviewlens/testkit";
import { createKubernetesActuator, loadKubeConfig } from "./kubernetes-actuator.js";

/** A kubeconfig for a plain-HTTP API server on loopback (the client insists on the skip flag for http://). */
function kubeConfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(`
apiVersion: v1
kind: Config
clusters: [{ name: local, cluster: { server: "${server}", insecure-skip-tls-verify: true } }]
users: [{ name: watchdog, user: { token: test-token } }]
contexts: [{ name: local, context: { cluster: local, user: watchdog } }]
current-context: local
`);
  return kc;
}

describe("Kubernetes actuator (against a local HTTP server speaking the API server's scale subresource)", async () => {
  const server = await startRecordingServer();
  after(() => server.close());
  const actuator = createKubernetesActuator({ namespace: "gpu", deployment: "vllm", kubeConfig: kubeConfigFor(server.url) });
  const scale = { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "vllm", namespace: "gpu" }, spec: { replicas: 0 }, status: { replicas: 1 } };

  it("merge-patches deployments/vllm/scale to zero replicas with the configured credentials", async () => {
    server.respondWith(() => ({ status: 200, body: scale }));
    await actuator.stop(new AbortController().signal);
    const last = server.requests.at(-1);
    assert.equal(last?.method, "PATCH");
    assert.equal(last?.path, "/apis/apps/v1/namespaces/gpu/deployments/vllm/scale");
    assert.equal(last?.headers["content-type"], "application/merge-patch+json");
    assert.equal(last?.headers["authorization"], "Bearer test-token");
    assert.deepEqual(JSON.parse(last?.body ?? "{}"), { spec: { replicas: 0 } });
    assert.equal(actuator.target, "kubernetes deployment gpu/vllm");
  });

  it("rejects with the API server's status when RBAC forbids the patch", async () => {
    server.respondWith(() => ({ status: 403, body: { kind: "Status", status: "Failure", reason: "Forbidden", code: 403, message: "deployments.apps \"vllm\" is forbidden" } }));
    await assert.rejects(actuator.stop(new AbortController().signal), /gpu\/vllm to 0 failed: HTTP 403.*forbidden/);
  });

  it("wakes it by scaling back to one replica, only from zero", async () => {
    const at = (replicas: number) => ({ ...scale, spec: { replicas } });
    server.respondWith((r) => ({ status: 200, body: r.method === "GET" ? at(0) : at(1) }));
    const before = server.requests.length;
    await actuator.start(new AbortController().signal);
    const calls = server.requests.slice(before);
    assert.deepEqual(
      calls.map((c) => `${c.method} ${c.path}`),
      ["GET /apis/apps/v1/namespaces/gpu/deployments/vllm/scale", "PATCH /apis/apps/v1/namespaces/gpu/deployments/vllm/scale"],
    );
    assert.deepEqual(JSON.parse(calls[1]?.body ?? "{}"), { spec: { replicas: 1 } });

    // Scaled out meanwhile (an autoscaler, a second wake): nothing to do, never scaled in.
    server.respondWith(() => ({ status: 200, body: at(3) }));
    const again = server.requests.length;
    await actuator.start(new AbortController().signal);
    assert.deepEqual(server.requests.slice(again).map((c) => c.method), ["GET"]);
  });

  it("refuses to guess a cluster when there is no kubeconfig and no service account", () => {
    assert.throws(() => loadKubeConfig({ KUBECONFIG: "/nonexistent/kubeconfig" }), /KUBECONFIG/);
  });
});
