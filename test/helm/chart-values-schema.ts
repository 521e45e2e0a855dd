// The one source of every chart's values.schema.json (JSON Schema draft-07, read by Helm 3 and 4 on
// install, upgrade, lint and template). `npm run helm:schemas` writes them; a test fails when a
// committed schema differs, so the charts never drift apart while each keeps a schema of its own.
type Schema = Record<string, unknown>;

const string: Schema = { type: "string" };
const boolean: Schema = { type: "boolean" };
const integer = (minimum: number, maximum?: number, description?: string): Schema => ({
  type: "integer",
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
  ...(description ? { description } : {}),
});
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: "null" }] });
const object = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: "object", additionalProperties: false, properties, ...extra });
const mapOf = (values: Schema, extra: Schema = {}): Schema => ({ type: "object", additionalProperties: values, ...extra });
const arrayOf = (items: Schema, extra: Schema = {}): Schema => ({ type: "array", items, ...extra });
/** Kubernetes objects passed through untouched (tolerations, affinity, volumes...). */
const anyObject: Schema = { type: "object" };
const quantity: Schema = {
  description: "a Kubernetes quantity, e.g. 250m, 1Gi, 100",
  anyOf: [{ type: "string", pattern: "^[0-9]+(\\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T|e[0-9]+)?$" }, { type: "number", minimum: 0 }],
};
/** A positive number; `--set x=1.5` gives Helm a string, so a decimal string is one too. */
const positiveDecimal = (description: string): Schema => ({ anyOf: [{ type: "number", exclusiveMinimum: 0 }, { type: "string", pattern: "^[0-9]*\\.?[0-9]+$" }], description });
const intOrPercent: Schema = { anyOf: [{ type: "integer", minimum: 0 }, { type: "string", pattern: "^[0-9]+%$" }] };
const duration: Schema = { type: "string", pattern: "^[0-9]+(ms|s|m|h)$" };

const image = object({
  repository: string,
  tag: string,
  pullPolicy: { enum: ["", "Always", "IfNotPresent", "Never"] },
});

const envName = { pattern: "^[A-Za-z_][A-Za-z0-9_]*$" };
const env = mapOf(
  { type: ["string", "number", "boolean", "null"] },
  {
    description: "plain environment variables (templated); secrets belong in secretEnv",
    propertyNames: { ...envName, not: { pattern: "(^|_)(API_KEY|TOKEN|PASSWORD|SECRET)$" } },
  },
);
const secretEnv = mapOf(object({ secretName: { type: "string", minLength: 1 }, key: { type: "string", minLength: 1 }, optional: boolean }, { required: ["secretName", "key"] }), {
  description: "environment variables read from Kubernetes Secrets: NAME: {secretName, key, optional}",
  propertyNames: envName,
});

/** The Secret holding the gateway's gRPC API key (GATEWAY_GRPC_API_KEY); empty secretName: off. */
const gatewayApiKey = object(
  { secretName: string, key: string },
  { description: "the gateway's gRPC API key from a Secret: the gateway requires it, its callers send it; empty secretName: global.gatewayApiKey, else off" },
);

const probeTiming = object({
  enabled: boolean,
  initialDelaySeconds: integer(0),
  periodSeconds: integer(1),
  timeoutSeconds: integer(1),
  failureThreshold: integer(1),
  successThreshold: integer(1),
});
const probes = nullable(
  object(
    {
      type: { enum: ["grpc", "http"], description: "grpc: native gRPC probes against grpc.health.v1; http: httpGet" },
      port: { type: "string", description: "a key of ports" },
      path: string,
      livenessPath: string,
      readinessPath: string,
      startupPath: string,
      liveness: probeTiming,
      readiness: probeTiming,
      startup: probeTiming,
    },
    { required: ["type", "port", "liveness", "readiness"] },
  ),
);

const resourceList = mapOf(quantity);
const resources = object({ requests: resourceList, limits: resourceList, claims: arrayOf(anyObject) }, { required: ["requests", "limits"] });

const scalingRules = object({
  stabilizationWindowSeconds: integer(0, 3600),
  selectPolicy: { enum: ["Max", "Min", "Disabled"] },
  tolerance: quantity,
  policies: arrayOf(object({ type: { enum: ["Pods", "Percent"] }, value: integer(1), periodSeconds: integer(1, 1800) }, { required: ["type", "value", "periodSeconds"] }), { minItems: 1 }),
});
const metricTarget = object(
  { type: { enum: ["AverageValue", "Value"] }, averageValue: quantity, value: quantity },
  { required: ["type"] },
);
const metricSource = (extra: Record<string, Schema> = {}) =>
  object({ metric: object({ name: { type: "string", minLength: 1 }, selector: anyObject }, { required: ["name"] }), target: metricTarget, ...extra }, { required: ["metric", "target"] });
const metric = object(
  {
    type: { enum: ["Pods", "External", "Object"] },
    pods: metricSource(),
    external: metricSource(),
    object: metricSource({ describedObject: anyObject }),
    query: { type: "string", minLength: 1, description: "the same signal in PromQL, for KEDA's Prometheus trigger (templated)" },
    activationThreshold: { type: "number", minimum: 0 },
  },
  {
    required: ["type", "query"],
    allOf: [
      { if: { properties: { type: { const: "Pods" } }, required: ["type"] }, then: { required: ["pods"] } },
      { if: { properties: { type: { const: "External" } }, required: ["type"] }, then: { required: ["external"] } },
      { if: { properties: { type: { const: "Object" } }, required: ["type"] }, then: { required: ["object"] } },
    ],
  },
);
const autoscaling = object(
  {
    enabled: boolean,
    engine: { enum: ["", "hpa", "keda"], description: "empty: global.autoscaling.engine, else hpa" },
    minReplicas: integer(0, 1000, "0 (scale to zero) only with engine keda"),
    maxReplicas: integer(1, 1000),
    cpu: object({ enabled: boolean, targetAverageUtilization: integer(1, 100) }, { required: ["enabled"] }),
    metrics: arrayOf(metric),
    behavior: object({ scaleUp: scalingRules, scaleDown: scalingRules }),
    keda: object({
      prometheusAddress: string,
      pollingInterval: integer(1),
      cooldownPeriod: integer(0),
      activeWhile: { type: "string", minLength: 1, description: "PromQL (templated): the Deployment stays active (above zero) while it is non-zero" },
    }),
  },
  {
    required: ["enabled"],
    if: { properties: { enabled: { const: true } } },
    then: { required: ["minReplicas", "maxReplicas", "cpu", "metrics"] },
  },
);

const networkPolicy = object({
  enabled: boolean,
  from: arrayOf(string, { description: "components of this release allowed on every port" }),
  extraFrom: arrayOf(anyObject, { description: "NetworkPolicyPeers allowed on extraPorts" }),
  extraPorts: arrayOf(string),
  metricsFrom: arrayOf(anyObject, { description: "NetworkPolicyPeers allowed on the metrics port (Prometheus)" }),
});

/** What every chart that runs the Reviewlens image (or vLLM) accepts. */
const container: Record<string, Schema> = {
  global: anyObject,
  enabled: { type: "boolean", description: "read by the umbrella chart" },
  "reviewlens-lib": { type: "object", description: "the library chart's (empty) values, added by Helm" },
  image,
  command: arrayOf(string, { minItems: 1 }),
  args: arrayOf({ type: ["string", "number", "boolean"] }),
  ports: mapOf(integer(1, 65535), { propertyNames: { pattern: "^[a-z][a-z0-9-]{0,14}$" } }),
  portEnv: mapOf({ type: "string", ...envName }),
  env,
  secretEnv,
  envFrom: arrayOf(anyObject),
  otlpEndpoint: { type: "string", pattern: "^$|^https?://", description: "OTEL_EXPORTER_OTLP_ENDPOINT; empty: global.otlpEndpoint" },
  drainTimeoutMs: nullable(integer(0, 3_600_000, "DRAIN_TIMEOUT_MS")),
  preStopSleepSeconds: integer(0, 300),
  terminationGracePeriodSeconds: nullable(integer(1, 86_400, "must exceed drainTimeoutMs plus preStopSleepSeconds; empty: computed")),
  dataDir: object({ enabled: boolean, mountPath: string, sizeLimit: quantity, existingClaim: string }, { required: ["enabled"] }),
  tmpSizeLimit: quantity,
  probes,
  resources,
  serviceAccount: object({ create: boolean, name: string, annotations: mapOf(string), automountToken: boolean }, { required: ["create"] }),
  podSecurityContext: anyObject,
  securityContext: anyObject,
  podAnnotations: mapOf(string),
  podLabels: mapOf(string),
  commonLabels: mapOf(string),
  nodeSelector: mapOf(string),
  tolerations: arrayOf(anyObject),
  affinity: anyObject,
  topologySpreadConstraints: arrayOf(anyObject),
  priorityClassName: string,
  runtimeClassName: string,
  imagePullSecrets: arrayOf(anyObject),
  extraVolumes: arrayOf(anyObject),
  extraVolumeMounts: arrayOf(anyObject),
  fullnameOverride: string,
};
const required = ["image", "command", "ports", "env", "resources", "serviceAccount", "dataDir"];

/** A long-running component: Deployment, Service, autoscaler, PDB, NetworkPolicy, ServiceMonitor. */
const deployment: Record<string, Schema> = {
  ...container,
  replicaCount: integer(0, 1000),
  revisionHistoryLimit: integer(0),
  strategy: anyObject,
  autoscaling,
  pdb: object({ enabled: boolean, maxUnavailable: intOrPercent, minAvailable: nullable(intOrPercent) }, { required: ["enabled"] }),
  service: object({ headless: boolean }),
  serviceMonitor: object({ enabled: boolean, force: boolean, port: string, path: string, interval: duration, labels: mapOf(string) }, { required: ["enabled"] }),
  networkPolicy,
};
const deploymentRequired = [...required, "probes", "autoscaling", "pdb", "service", "serviceMonitor", "networkPolicy"];

const chartSchema = (title: string, properties: Record<string, Schema>, requiredKeys: string[]): Schema => ({
  $schema: "http://json-schema.org/draft-07/schema#",
  title,
  ...object(properties, { required: requiredKeys }),
});

const component = (title: string) => chartSchema(title, deployment, deploymentRequired);
const gatewayCaller = (title: string) => chartSchema(title, { ...deployment, gatewayApiKey }, deploymentRequired);

const components = ["inference-gateway", "vector-search", "sentiment", "summarization", "vllm", "vllm-sim", "scheduler", "watchdog"] as const;

export function chartValuesSchemas(): Record<string, Schema> {
  return {
    "inference-gateway": chartSchema(
      "inference-gateway chart values",
      {
        ...deployment,
        gatewayApiKey,
        ingress: object(
          {
            enabled: boolean,
            className: string,
            host: string,
            annotations: mapOf(string),
            tls: arrayOf(object({ secretName: string, hosts: arrayOf(string) })),
          },
          { required: ["enabled"] },
        ),
      },
      deploymentRequired,
    ),
    "vector-search": gatewayCaller("vector-search chart values"),
    sentiment: gatewayCaller("sentiment chart values"),
    summarization: gatewayCaller("summarization chart values"),
    "vllm-sim": component("vllm-sim chart values"),
    vllm: chartSchema(
      "vllm chart values",
      {
        ...deployment,
        model: object(
          {
            name: { type: "string", minLength: 1 },
            maxModelLen: integer(256),
            maxNumSeqs: integer(1),
            maxNumBatchedTokens: integer(256),
            gpuMemoryUtilization: { type: "number", exclusiveMinimum: 0, maximum: 1 },
            maxNumQueuedReqs: nullable(integer(0, undefined, "--max-num-queued-reqs; empty: unbounded")),
            maxNumQueuedTokens: nullable(integer(0, undefined, "--max-num-queued-tokens; empty: unbounded")),
          },
          { required: ["name"] },
        ),
      },
      [...deploymentRequired, "model"],
    ),
    watchdog: chartSchema(
      "watchdog chart values",
      {
        ...deployment,
        scaleTarget: object({ deployment: { type: "string", minLength: 1 }, namespace: { type: "string", minLength: 1 } }, { required: ["deployment", "namespace"] }),
        rbac: object({ create: boolean }, { required: ["create"] }),
        wake: { type: "boolean", description: "--wake: start the Deployment again (one replica) when the gateway holds requests for it" },
        coldStartSeconds: nullable(positiveDecimal("--cold-start-seconds: vLLM's measured cold start; empty: 5 idle checks")),
        hourlyPriceDollars: nullable(positiveDecimal("--hourly-price: the GPU's dollars per hour (needed with coldStartSeconds)")),
        scheduledRuns: arrayOf({ type: "string", minLength: 9 }, { description: "--scheduled-runs: cron expressions of scheduled work (needs coldStartSeconds)" }),
      },
      [...deploymentRequired, "scaleTarget", "rbac", "wake"],
    ),
    scheduler: chartSchema(
      "scheduler chart values",
      {
        ...container,
        jobs: arrayOf(
          object(
            {
              name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$" },
              schedule: { type: "string", minLength: 9, description: "a cron schedule, e.g. */10 * * * *" },
              args: arrayOf({ type: ["string", "number"] }),
              suspend: boolean,
              timeZone: string,
              activeDeadlineSeconds: integer(1),
            },
            { required: ["name", "schedule"] },
          ),
          { minItems: 1 },
        ),
        cronJob: object(
          {
            timeZone: string,
            concurrencyPolicy: { enum: ["Forbid", "Allow", "Replace"] },
            startingDeadlineSeconds: integer(1),
            successfulJobsHistoryLimit: integer(0),
            failedJobsHistoryLimit: integer(0),
            backoffLimit: integer(0),
            activeDeadlineSeconds: integer(1),
          },
          { required: ["concurrencyPolicy", "startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit", "backoffLimit", "activeDeadlineSeconds"] },
        ),
      },
      [...required, "jobs", "cronJob"],
    ),
    "reviewlens-lib": chartSchema("reviewlens-lib (library chart): no values of its own", { global: anyObject }, []),
    reviewlens: chartSchema(
      "reviewlens (umbrella) chart values; each component's values are checked by its own chart's schema",
      {
        global: {
          type: "object",
          properties: {
            image,
            otlpEndpoint: container["otlpEndpoint"] as Schema,
            autoscaling: object({ engine: { enum: ["hpa", "keda"] } }),
            prometheus: object({ address: { type: "string", pattern: "^https?://" } }),
            gatewayApiKey,
          },
        },
        ...Object.fromEntries(components.map((c) => [c, { type: "object", properties: { enabled: boolean } }])),
      },
      ["global"],
    ),
  };
}

export const schemaText = (schema: Schema): string => `${JSON.stringify(schema, null, 2)}\n`;
