// The scaler: every check interval it reads the signal, lets the HPA algorithm decide, writes the
// decision as a JSON line and scales the pool.
import type { HorizontalPodAutoscaler, ScalingDecision } from "./hpa-algorithm.js";
import type { ReplicaPool } from "./replica-pool.js";
import { proposeReplicas, type SignalKind, type SignalSnapshot } from "./scaling-signals.js";

export interface DecisionRecord {
  t: number;
  signal: SignalKind;
  gateway_queue_depth: number;
  vllm_num_requests_waiting: Array<number | null>;
  metric_value: number;
  target: number;
  current_replicas: number;
  desired_replicas: number;
  metric_desired_replicas: number;
  reason: string;
}

export interface AutoscaleLoopOptions {
  hpa: HorizontalPodAutoscaler;
  pool: ReplicaPool;
  signal: SignalKind;
  target: number;
  read: () => Promise<SignalSnapshot>;
  now: () => number;
  onDecision: (record: DecisionRecord) => void;
}

export async function autoscaleStep(o: AutoscaleLoopOptions): Promise<ScalingDecision> {
  const snapshot = await o.read();
  const current = o.pool.current;
  const proposal = proposeReplicas(o.signal, current, snapshot, o.target, o.hpa.tolerances);
  const now = o.now();
  const decision = o.hpa.reconcile(now, current, [proposal]);
  o.onDecision({
    t: now,
    signal: o.signal,
    gateway_queue_depth: snapshot.gatewayQueueDepth,
    vllm_num_requests_waiting: snapshot.replicas.map((r) => (r.ready && r.value !== undefined ? r.value : null)),
    metric_value: proposal.value,
    target: o.target,
    current_replicas: current,
    desired_replicas: decision.desiredReplicas,
    metric_desired_replicas: decision.metricDesiredReplicas,
    reason: decision.desiredReplicas === current ? (decision.reason === "DesiredWithinRange" ? "NoChange" : decision.reason) : decision.reason,
  });
  if (decision.desiredReplicas !== current) o.pool.scaleTo(decision.desiredReplicas);
  return decision;
}
