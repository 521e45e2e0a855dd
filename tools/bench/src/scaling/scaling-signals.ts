// The two signals the benchmark scales on, turned into HPA proposals: vLLM's own waiting count per
// replica (a Pods metric, the seeds' signal) and the gateway's queue depth per replica (an
// AverageValue over the pool).
import { averageValueReplicas, podsMetricReplicas, type MetricProposal, type PodSample, type Tolerances } from "./hpa-algorithm.js";

export type SignalKind = "vllm-waiting" | "gateway-queue";

export interface SignalSnapshot {
  /** gateway_queue_depth summed over priority classes. */
  gatewayQueueDepth: number;
  /** vllm:num_requests_waiting of each replica that is not draining (starting ones are not ready). */
  replicas: PodSample[];
}

export const METRIC_NAMES: Record<SignalKind, string> = {
  "vllm-waiting": "vllm:num_requests_waiting",
  "gateway-queue": "gateway_queue_depth",
};

export function proposeReplicas(kind: SignalKind, current: number, snapshot: SignalSnapshot, target: number, tolerance: Tolerances): MetricProposal {
  if (kind === "gateway-queue") {
    return { metric: METRIC_NAMES[kind], value: snapshot.gatewayQueueDepth, target, replicas: averageValueReplicas(current, snapshot.gatewayQueueDepth, target, tolerance) };
  }
  const ready = snapshot.replicas.filter((r) => r.ready && r.value !== undefined);
  const average = ready.length ? ready.reduce((a, r) => a + r.value!, 0) / ready.length : 0;
  return { metric: METRIC_NAMES[kind], value: average, target, replicas: podsMetricReplicas(current, snapshot.replicas, target, tolerance) };
}
