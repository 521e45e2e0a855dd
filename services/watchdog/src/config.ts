// The watchdog's configuration: environment variables, each also a flag; validated once, all problems at once.
import { parseArgs } from "node:util";
import { env, logLevelField, readConfig, InvalidConfigError } from "@reviewlens/runtime/config";
import { idleLimitFromColdStart, type ColdStartIdleLimit } from "./cold-start-idle-limit.js";

export const schema = {
  IDLE_THRESHOLD: env.number(0, 100, 5).describe("GPU utilisation (%) below which the GPU counts as idle"),
  CHECK_INTERVAL: env.number(0.05, 86_400, 60).describe("seconds between checks"),
  IDLE_LIMIT: env.optional(env.integer(1, 1_000_000)).describe("consecutive idle checks before a stop; unset: 5, or derived from `COLD_START_SECONDS`"),
  MIN_RUNTIME: env.number(0, 31_536_000, 600).describe("seconds the server runs before any stop (counted from the watchdog's start or the server's return)"),
  DRY_RUN: env.boolean(false).describe("decide, notify and log; call nothing"),
  GATEWAY_METRICS_URL: env
    .optional(env.urlList())
    .describe("the gateway's `/metrics`, comma-separated for several (the flag may be repeated); an `http` name that resolves to several addresses (a headless Service) is read at each. Idleness needs every replica readable, a wake needs one holding requests. This or `VLLM_METRICS_URLS` is required"),
  VLLM_METRICS_URLS: env.optional(env.urlList()).describe("comma-separated vLLM `/metrics` URLs (the flag may be repeated)"),
  GPU_SIGNAL: env
    .oneOf(["nvidia-smi", "nvidia-smi-xml", "none"], "nvidia-smi")
    .describe("`nvidia-smi` (the CSV query), `nvidia-smi-xml` (`-q -x`, also lists each GPU's processes) or `none` (judge by requests alone)"),
  NVIDIA_SMI: env
    .string("nvidia-smi")
    .describe("program and leading arguments (split on spaces), so the query can run elsewhere: `kubectl exec -n reviewlens deploy/vllm -- nvidia-smi`"),
  SIGNAL_TIMEOUT: env.number(0.01, 600, 5).describe("seconds per read, at most one check interval; a timeout is unknown, never idle"),
  ADAPTIVE_THRESHOLD: env.boolean(false).describe("idle threshold = 10% of the average utilisation of the last 10 checks, at least 3%"),
  COLD_START_SECONDS: env.optional(env.number(0.01, 86_400)).describe("measured cold start (pod start to `/health`); derives the idle limit (needs `HOURLY_PRICE`)"),
  HOURLY_PRICE: env.optional(env.number(0.0001, 100_000)).describe("dollars per hour of the GPU server: the cold-start cost and the savings metric"),
  ACTUATOR: env.oneOf(["runpod", "kubernetes", "command", "none"]).describe("how a stop is done: `runpod`, `kubernetes`, `command`, or `none` (dry run only)"),
  RUNPOD_POD_ID: env.optional(env.string()).describe("the pod to stop, for `runpod`"),
  RUNPOD_API_KEY: env.optional(env.string()).describe("RunPod's API key, for `runpod` (environment only, never logged)"),
  RUNPOD_API_URL: env.url("https://rest.runpod.io/v1").describe("RunPod's REST API"),
  K8S_NAMESPACE: env.string("default").describe("namespace of the Deployment to scale to 0, for `kubernetes`"),
  K8S_DEPLOYMENT: env.optional(env.string()).describe("the vLLM Deployment to scale to 0, for `kubernetes`"),
  STOP_COMMAND: env.optional(env.string()).describe("for `command`: run with `/bin/sh -c`"),
  WAKE: env.boolean(false).describe("start the pool when the gateway holds requests for it (needs `GATEWAY_METRICS_URL`)"),
  START_COMMAND: env.optional(env.string()).describe("for `command` with `WAKE`, run with `/bin/sh -c`"),
  WAKE_TIMEOUT: env
    .optional(env.number(1, 86_400))
    .describe("seconds after a start call before the watchdog may start the pool again; default 2 x `COLD_START_SECONDS`, else 600"),
  WEBHOOK_URL: env.optional(env.url()).describe("JSON POST (with a Slack-style `text`) before each stop"),
  HOST: env.string("0.0.0.0").describe("address of the watchdog's own `/metrics`"),
  WATCHDOG_METRICS_PORT: env.port(9465).describe("port of the watchdog's own `/metrics`"),
  LOG_LEVEL: logLevelField("info"),
};

type Variable = keyof typeof schema;

/** Every variable but the API key is also a flag (secrets only from the environment). */
const FLAGS: Record<string, Variable> = {
  "idle-threshold": "IDLE_THRESHOLD",
  "check-interval": "CHECK_INTERVAL",
  "idle-limit": "IDLE_LIMIT",
  "min-runtime": "MIN_RUNTIME",
  "dry-run": "DRY_RUN",
  "gateway-metrics-url": "GATEWAY_METRICS_URL",
  "vllm-metrics-url": "VLLM_METRICS_URLS",
  "gpu-signal": "GPU_SIGNAL",
  "nvidia-smi": "NVIDIA_SMI",
  "signal-timeout": "SIGNAL_TIMEOUT",
  "adaptive-threshold": "ADAPTIVE_THRESHOLD",
  "cold-start-seconds": "COLD_START_SECONDS",
  "hourly-price": "HOURLY_PRICE",
  actuator: "ACTUATOR",
  "runpod-pod-id": "RUNPOD_POD_ID",
  "runpod-api-url": "RUNPOD_API_URL",
  "k8s-namespace": "K8S_NAMESPACE",
  "k8s-deployment": "K8S_DEPLOYMENT",
  "stop-command": "STOP_COMMAND",
  wake: "WAKE",
  "start-command": "START_COMMAND",
  "wake-timeout": "WAKE_TIMEOUT",
  "webhook-url": "WEBHOOK_URL",
  "metrics-port": "WATCHDOG_METRICS_PORT",
};
/** The flag of a variable, if it has one. */
export const watchdogFlagOf = (variable: string): string | undefined => {
  const flag = Object.entries(FLAGS).find(([, v]) => v === variable)?.[0];
  return flag === undefined ? undefined : `--${flag}`;
};
const BOOLEAN_FLAGS = new Set(["dry-run", "adaptive-threshold", "wake"]);
const REPEATABLE_FLAGS = new Set(["vllm-metrics-url", "gateway-metrics-url"]);
const UNITS: Partial<Record<Variable, string>> = {
  IDLE_THRESHOLD: "percent",
  CHECK_INTERVAL: "seconds",
  MIN_RUNTIME: "seconds",
  SIGNAL_TIMEOUT: "seconds",
  COLD_START_SECONDS: "seconds",
  HOURLY_PRICE: "dollars per hour",
  WAKE_TIMEOUT: "seconds",
};

export type ActuatorConfig =
  | { kind: "runpod"; podId: string; apiKey: string; apiUrl: string }
  | { kind: "kubernetes"; namespace: string; deployment: string }
  | { kind: "command"; command: string; startCommand?: string | undefined }
  | { kind: "none" };

export interface WatchdogConfig {
  idleThresholdPercent: number;
  adaptiveThreshold: boolean;
  checkIntervalMs: number;
  idleLimit: number;
  /** Set when the idle limit was derived from COLD_START_SECONDS and HOURLY_PRICE. */
  coldStart?: ColdStartIdleLimit | undefined;
  minRuntimeMs: number;
  dryRun: boolean;
  /** Every gateway replica's /metrics (their sums are read as one gateway). */
  gatewayMetricsUrls: string[];
  vllmMetricsUrls: string[];
  /** Program and leading arguments; undefined when GPU_SIGNAL=none. */
  nvidiaSmi?: string[] | undefined;
  /** csv: the --query-gpu query; xml: `-q -x` (GPU_SIGNAL=nvidia-smi-xml). */
  nvidiaSmiFormat: "csv" | "xml";
  /** Per read, never longer than a check interval. */
  signalTimeoutMs: number;
  hourlyPriceDollars?: number | undefined;
  actuator: ActuatorConfig;
  /** Set when the watchdog also wakes the pool (WAKE): how long it waits for a started pool before starting it again. */
  wake?: { timeoutMs: number } | undefined;
  webhookUrl?: string | undefined;
  host: string;
  metricsPort: number;
  logLevel: string;
}

export class WatchdogConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "WatchdogConfigError";
  }
}

export const USAGE = `usage: npm run watchdog -- [flags]   (every flag is also an environment variable)
${Object.entries(FLAGS)
  .map(([flag, variable]) => `  --${flag}${BOOLEAN_FLAGS.has(flag) ? "" : "=VALUE"}`.padEnd(32) + `${variable}: ${schema[variable].expected}${UNITS[variable] ? ` (${UNITS[variable]})` : ""}`)
  .join("\n")}
  RUNPOD_API_KEY (environment only)   the RunPod API key`;

/** Flags win over the environment. Throws WatchdogConfigError listing every problem. */
export function loadConfig(argv: string[], environment: Record<string, string | undefined> = process.env): WatchdogConfig {
  const fromFlags = parseFlags(argv);
  const source = { ...environment, ...fromFlags };
  const named = (variable: string) => {
    const flag = Object.entries(FLAGS).find(([, v]) => v === variable && fromFlags[v] !== undefined)?.[0];
    return flag ? `--${flag} (${variable})` : variable;
  };
  let c;
  try {
    c = readConfig(schema, source);
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    throw new WatchdogConfigError(error.problems.map((p) => p.message.replace(p.variable, named(p.variable))));
  }

  const problems: string[] = [];
  const actuator = actuatorConfig(c, problems);
  if (!c.GATEWAY_METRICS_URL && !c.VLLM_METRICS_URLS) {
    problems.push("GATEWAY_METRICS_URL or VLLM_METRICS_URLS is required: without a request signal the watchdog cannot tell that nothing is in flight");
  }
  if (c.DRY_RUN === false && actuator.kind === "none") problems.push("ACTUATOR=none only makes sense with --dry-run: choose runpod, kubernetes or command");
  let coldStart: ColdStartIdleLimit | undefined;
  if (c.COLD_START_SECONDS !== undefined) {
    if (c.IDLE_LIMIT !== undefined) problems.push(`${named("IDLE_LIMIT")} and ${named("COLD_START_SECONDS")} both set the idle limit: give one`);
    if (c.HOURLY_PRICE === undefined) problems.push(`${named("COLD_START_SECONDS")} needs HOURLY_PRICE (dollars per hour) to price the cold start`);
    else coldStart = idleLimitFromColdStart({ coldStartSeconds: c.COLD_START_SECONDS, hourlyPriceDollars: c.HOURLY_PRICE, checkIntervalSeconds: c.CHECK_INTERVAL });
  }
  if (c.WAKE) {
    if (!c.GATEWAY_METRICS_URL) problems.push(`${named("WAKE")} needs GATEWAY_METRICS_URL: the requests the gateway holds for the pool are the wake signal`);
    if (actuator.kind === "command" && !c.START_COMMAND) problems.push(`${named("WAKE")} with ACTUATOR=command needs START_COMMAND`);
  } else {
    if (c.START_COMMAND !== undefined) problems.push(`${named("START_COMMAND")} is used only with WAKE=true`);
    if (c.WAKE_TIMEOUT !== undefined) problems.push(`${named("WAKE_TIMEOUT")} is used only with WAKE=true`);
  }
  const nvidiaSmi = c.NVIDIA_SMI.split(/\s+/).filter((s) => s.length > 0);
  if (problems.length > 0) throw new WatchdogConfigError(problems);
  // A started pool gets twice its measured cold start before the watchdog starts it again.
  const wakeTimeoutSeconds = c.WAKE_TIMEOUT ?? (c.COLD_START_SECONDS !== undefined ? 2 * c.COLD_START_SECONDS : 600);

  return {
    idleThresholdPercent: c.IDLE_THRESHOLD,
    adaptiveThreshold: c.ADAPTIVE_THRESHOLD,
    checkIntervalMs: c.CHECK_INTERVAL * 1000,
    idleLimit: coldStart?.idleLimit ?? c.IDLE_LIMIT ?? 5,
    coldStart,
    minRuntimeMs: c.MIN_RUNTIME * 1000,
    dryRun: c.DRY_RUN,
    gatewayMetricsUrls: c.GATEWAY_METRICS_URL ?? [],
    vllmMetricsUrls: c.VLLM_METRICS_URLS ?? [],
    nvidiaSmi: c.GPU_SIGNAL === "none" ? undefined : nvidiaSmi,
    nvidiaSmiFormat: c.GPU_SIGNAL === "nvidia-smi-xml" ? "xml" : "csv",
    signalTimeoutMs: Math.min(c.SIGNAL_TIMEOUT, c.CHECK_INTERVAL) * 1000,
    hourlyPriceDollars: c.HOURLY_PRICE,
    actuator,
    wake: c.WAKE ? { timeoutMs: wakeTimeoutSeconds * 1_000 } : undefined,
    webhookUrl: c.WEBHOOK_URL,
    host: c.HOST,
    metricsPort: c.WATCHDOG_METRICS_PORT,
    logLevel: c.LOG_LEVEL,
  };
}

function actuatorConfig(c: ReturnType<typeof readConfig<typeof schema>>, problems: string[]): ActuatorConfig {
  const need = (variable: Variable, value: string | undefined) => {
    if (!value) problems.push(`${variable} is required with ACTUATOR=${c.ACTUATOR}`);
    return value ?? "";
  };
  switch (c.ACTUATOR) {
    case "runpod":
      return { kind: "runpod", podId: need("RUNPOD_POD_ID", c.RUNPOD_POD_ID), apiKey: need("RUNPOD_API_KEY", c.RUNPOD_API_KEY), apiUrl: c.RUNPOD_API_URL };
    case "kubernetes":
      return { kind: "kubernetes", namespace: c.K8S_NAMESPACE, deployment: need("K8S_DEPLOYMENT", c.K8S_DEPLOYMENT) };
    case "command":
      return { kind: "command", command: need("STOP_COMMAND", c.STOP_COMMAND), ...(c.START_COMMAND ? { startCommand: c.START_COMMAND } : {}) };
    case "none":
      return { kind: "none" };
  }
}

/** Flags to variable values; a repeated --vllm-metrics-url or --gateway-metrics-url adds to the list. */
function parseFlags(argv: string[]): Record<string, string> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        Object.keys(FLAGS).map((flag) => [flag, BOOLEAN_FLAGS.has(flag) ? { type: "boolean" as const } : { type: "string" as const, multiple: REPEATABLE_FLAGS.has(flag) }]),
      ),
    });
  } catch (error) {
    // First sentence only: some Node versions echo the whole argument, which may hold a secret.
    const message = (error instanceof Error ? error.message : String(error)).split(". ")[0];
    throw new WatchdogConfigError([`${message} (see --help)`]);
  }
  const out: Record<string, string> = {};
  for (const [flag, value] of Object.entries(parsed.values)) {
    const variable = FLAGS[flag];
    if (variable === undefined || value === undefined) continue;
    out[variable] = Array.isArray(value) ? value.join(",") : String(value);
  }
  return out;
}
