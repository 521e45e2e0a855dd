// The kinds the charts render, typed with kubernetes-models' interfaces (the same models whose
// schemas kubernetes-schemas.ts validates every rendered object against in charts.test.ts).
import assert from "node:assert/strict";
import type { IConfigMap, INamespace, IService, IServiceAccount } from "kubernetes-models/v1";
import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IHorizontalPodAutoscaler, IMetricSpec } from "kubernetes-models/autoscaling/v2";
import type { ICronJob } from "kubernetes-models/batch/v1";
import type { IIngress, INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import type { IRole, IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import type { IScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import type { IServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

export interface K8sKinds {
  Namespace: INamespace;
  ConfigMap: IConfigMap;
  Service: IService;
  ServiceAccount: IServiceAccount;
  Deployment: IDeployment;
  HorizontalPodAutoscaler: IHorizontalPodAutoscaler;
  CronJob: ICronJob;
  NetworkPolicy: INetworkPolicy;
  Ingress: IIngress;
  PodDisruptionBudget: IPodDisruptionBudget;
  Role: IRole;
  RoleBinding: IRoleBinding;
  ScaledObject: IScaledObject;
  ServiceMonitor: IServiceMonitor;
}
export type K8sKind = keyof K8sKinds;

/** An HPA metric's source sits under the field its type names (Pods -> pods, External -> external). */
export function hpaMetricSource(metric: IMetricSpec): { metric: { name: string }; target: { averageValue?: number | string } } {
  const sources = { Pods: metric.pods, Object: metric.object, External: metric.external };
  return sources[metric.type as keyof typeof sources] ?? assert.fail(`an HPA metric of type ${metric.type} names no metric`);
}
