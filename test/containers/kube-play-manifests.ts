// What `podman kube play` runs here, made from the objects `helm template` renders, changed only
// where podman on this machine must differ from a cluster:
// - the host network (only loopback traffic here), with each chart port moved to a free port, since
//   all pods share one network namespace and the machine is shared;
// - Service names resolve to 127.0.0.1 through a hosts file mounted at /etc/hosts: what a Service
//   (and hostAliases) would do, but podman 4.3 drops hostAliases on a host network;
// - container `ports` left out (podman refuses port mappings on a host network);
// - each emptyDir named after its pod: podman 4.3 makes an emptyDir a named volume by the volume's
//   name, which pods with the same volume name would share.
// Command, args, env, mounts, securityContext, resources and probes stay as rendered.
import type { IContainer, IPodSpec } from "kubernetes-models/v1";
import { podOf, podTemplateOf, type K8sObject, type Rendered, type Workload } from "../helm/helm-fixture.js";

/** The ports the chart's containers listen on. */
export const chartPorts = (workloads: Workload[]): number[] =>
  [...new Set(workloads.flatMap((w) => podOf(w).containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort))))].sort();

/**
 * The same value with every chart port moved: `containerPort` and probe `port` numbers, `*PORT`
 * variables, and `host:PORT` / `--port=PORT` inside strings (peer addresses, URLs, flags).
 */
export function movePorts<T>(value: T, moved: ReadonlyMap<number, number>, key = ""): T {
  const to = (port: number) => moved.get(port) ?? port;
  if (typeof value === "number") return ((key === "containerPort" || key === "port") ? to(value) : value) as T;
  if (typeof value === "string") return value.replace(/(:|--port=)(\d+)\b/g, (_match, lead: string, port: string) => `${lead}${to(Number(port))}`) as T;
  if (Array.isArray(value)) return (value as unknown[]).map((v) => movePorts(v, moved, key)) as T;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o["name"] === "string" && /PORT$/.test(o["name"]) && typeof o["value"] === "string" && /^\d+$/.test(o["value"])) {
      return { ...o, value: String(to(Number(o["value"]))) } as T;
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, movePorts(v, moved, k)])) as T;
  }
  return value;
}

/** /etc/hosts naming every Service (as peers address it: name.namespace.svc, and shorter) at 127.0.0.1. */
export function hostsFile(services: K8sObject[], namespace: string): string {
  const names = services.flatMap((s) => [s.metadata.name, `${s.metadata.name}.${namespace}`, `${s.metadata.name}.${namespace}.svc`, `${s.metadata.name}.${namespace}.svc.cluster.local`]);
  return `127.0.0.1 localhost ${names.join(" ")}\n`;
}

/** A pod spec as podman plays it here (see the top of this file). */
export function playablePodSpec(spec: IPodSpec, podName: string, hostsPath: string): IPodSpec {
  const volumeName = (name: string) => (spec.volumes?.find((v) => v.name === name)?.emptyDir ? `${podName}-${name}` : name);
  return {
    ...spec,
    hostNetwork: true,
    containers: spec.containers.map(({ ports: _ports, ...c }): IContainer => ({
      ...c,
      volumeMounts: [...(c.volumeMounts ?? []).map((m) => ({ ...m, name: volumeName(m.name) })), { name: "hosts", mountPath: "/etc/hosts", readOnly: true }],
    })),
    volumes: [...(spec.volumes ?? []).map((v) => ({ ...v, name: volumeName(v.name) })), { name: "hosts", hostPath: { path: hostsPath, type: "File" } }],
  };
}

/** A Deployment as podman plays it (one replica: podman plays one pod per Deployment). */
export function playableDeployment(d: Rendered<"Deployment">, name: string, hostsPath: string): K8sObject {
  const { replicas: _replicas, ...rest } = d.spec ?? {};
  const template = podTemplateOf(d);
  return { ...d, metadata: { ...d.metadata, name }, spec: { ...rest, template: { ...template, spec: playablePodSpec(template.spec, `${name}-pod-0`, hostsPath) } } };
}

/** One run of a CronJob: its Job's pod template as a Pod, which runs to completion (restartPolicy Never). */
export function podOfCronJob(c: Rendered<"CronJob">, name: string, hostsPath: string): K8sObject {
  const template = podTemplateOf(c);
  return { apiVersion: "v1", kind: "Pod", metadata: { name, ...(template.metadata?.labels && { labels: template.metadata.labels }) }, spec: { ...playablePodSpec(template.spec, name, hostsPath) } };
}

/** The podman names of a played Deployment's pod and of its container (podman 4.3: <deployment>-pod-0[-<container>]). */
export const deploymentPod = (deployment: string) => `${deployment}-pod-0`;
export const podContainer = (pod: string, container: string) => `${pod}-${container}`;
