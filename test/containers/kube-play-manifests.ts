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
import type { K8sObject } from "../helm/helm-fixture.js";

export interface Probe {
  grpc?: { port: number; service?: string };
  httpGet?: { path: string; port: number | string };
  timeoutSeconds?: number;
}
export interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  [key: string]: unknown;
}
export interface PodSpec {
  containers: Container[];
  volumes?: { name: string; emptyDir?: unknown; hostPath?: unknown }[];
  terminationGracePeriodSeconds?: number;
  [key: string]: unknown;
}

export const podSpecOf = (o: K8sObject): PodSpec =>
  o.kind === "CronJob" ? (o.spec as any).jobTemplate.spec.template.spec : (o.spec as any).template.spec;

/** The ports the chart's containers listen on. */
export const chartPorts = (workloads: K8sObject[]): number[] =>
  [...new Set(workloads.flatMap((w) => podSpecOf(w).containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort))))].sort();

/**
 * The same value with every chart port moved: `containerPort` and probe `port` numbers, `*PORT`
 * variables, and `host:PORT` / `--port=PORT` inside strings (peer addresses, URLs, flags).
 */
export function movePorts<T>(value: T, moved: ReadonlyMap<number, number>, key = ""): T {
  const to = (port: number) => moved.get(port) ?? port;
  if (typeof value === "number") return ((key === "containerPort" || key === "port") ? to(value) : value) as T;
  if (typeof value === "string") return value.replace(/(:|--port=)(\d+)\b/g, (_match, lead: string, port: string) => `${lead}${to(Number(port))}`) as T;
  if (Array.isArray(value)) return value.map((v) => movePorts(v, moved, key)) as T;
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
export function playablePodSpec(spec: PodSpec, podName: string, hostsPath: string): PodSpec {
  const volumeName = (name: string) => (spec.volumes?.find((v) => v.name === name)?.emptyDir ? `${podName}-${name}` : name);
  return {
    ...spec,
    hostNetwork: true,
    containers: spec.containers.map(({ ports: _ports, ...c }) => ({
      ...c,
      volumeMounts: [...(c.volumeMounts ?? []).map((m) => ({ ...m, name: volumeName(m.name) })), { name: "hosts", mountPath: "/etc/hosts", readOnly: true }],
    })),
    volumes: [...(spec.volumes ?? []).map((v) => ({ ...v, name: volumeName(v.name) })), { name: "hosts", hostPath: { path: hostsPath, type: "File" } }],
  };
}

/** A Deployment as podman plays it (one replica: podman plays one pod per Deployment). */
export function playableDeployment(d: K8sObject, name: string, hostsPath: string): K8sObject {
  const spec = d.spec as any;
  const { replicas: _replicas, ...rest } = spec;
  return { ...d, metadata: { ...d.metadata, name }, spec: { ...rest, template: { ...spec.template, spec: playablePodSpec(spec.template.spec, `${name}-pod-0`, hostsPath) } } };
}

/** One run of a CronJob: its Job's pod template as a Pod, which runs to completion (restartPolicy Never). */
export function podOfCronJob(c: K8sObject, name: string, hostsPath: string): K8sObject {
  const template = (c.spec as any).jobTemplate.spec.template;
  return { apiVersion: "v1", kind: "Pod", metadata: { name, labels: template.metadata?.labels }, spec: playablePodSpec(template.spec, name, hostsPath) };
}

/** The podman names of a played Deployment's pod and of its container (podman 4.3: <deployment>-pod-0[-<container>]). */
export const deploymentPod = (deployment: string) => `${deployment}-pod-0`;
export const podContainer = (pod: string, container: string) => `${pod}-${container}`;
