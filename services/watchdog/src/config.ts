// The watchdog's configuration: environment variables, each also a flag; validated once, all problems at once.
import { parseArgs } from "node:util";
import { env, logLevelField, readConfig, InvalidConfigError, withFormerNames, type FormerNames } from "@reviewlens/runtime/config";
import { idleLimitFromColdStart, type ColdStartIdleLimit } from "./cold-start-idle-limit.js";
import { parseScheduledRuns, ScheduledRunsError, type RunSchedule } from "./scheduled-runs.js";

export const schema = {
  WATCHDOG_IDLE_THRESHOLD_PERCENT: env.number(0, 100, 5).describe("GPU utilisation (%) below which the GPU counts as idle"),
  WATCHDOG_CHECK_INTERVAL_S: env.number(0.05, 86_400, 60).describe("seconds between checks"),
  WATCHDOG_IDLE_LIMIT_CHECKS: env.optional(env.integer(1, 1_000_000)).describe("consecutive idle checks before a stop; unset: 5, or derived from `WATCHDOG_COLD_START_S`"),
  WATCHDOG_MIN_RUNTIME_S: env.number(0, 31_536_000, 600).describe("seconds the server runs before any stop (counted from the watchdog's start or the server's return)"),
  WATCHDOG_DRY_RUN: env.boolean(false).describe("decide, notify and log; call nothing"),
  WATCHDOG_GATEWAY_METRICS_URLS: env
    .optional(env.urlList())
    .describe("the gateway's `/metrics`, comma-separated for several (the flag may be repeated); an `http` name that resolves to several addresses (a headless Service) is read at each. Idleness needs every replica readable, a wake needs one holding requests. This or `WATCHDOG_VLLM_METRICS_URLS` is required"),
  WATCHDOG_VLLM_METRICS_URLS: env.optional(env.urlList()).describe("comma-separated vLLM `/metrics` URLs (the flag may be repeated)"),
  WATCHDOG_GPU_SIGNAL: env
    .oneOf(["nvidia-smi", "nvidia-smi-xml", "none"], "nvidia-smi")
    .describe("`nvidia-smi` (the CSV query), `nvidia-smi-xml` (`-q -x`, also lists each GPU's processes) or `none` (judge by requests alone)"),
  WATCHDOG_NVIDIA_SMI: env
    .string("nvidia-smi")
    .describe("program and leading arguments (split on spaces), so the query can run elsewhere: `kubectl exec -n reviewlens deploy/vllm -- nvidia-smi`"),
  WATCHDOG_SIGNAL_TIMEOUT_S: env.number(0.01, 600, 5).describe("seconds per read, at most one check interval; a timeout is unknown, never idle"),
  WATCHDOG_ADAPTIVE_THRESHOLD: env.boolean(false).describe("idle threshold = 10% of the average utilisation of the last 10 checks, at least 3%"),
  WATCHDOG_COLD_START_S: env.optional(env.number(0.01, 86_400)).describe("measured cold start (pod start to `/health`); derives the idle limit (needs `WATCHDOG_PRICE_USD_PER_HOUR`)"),
  WATCHDOG_PRICE_USD_PER_HOUR: env.optional(env.number(0.0001, 100_000)).describe("dollars per hour of the GPU server: the cold-start cost and the savings metric"),
  WATCHDOG_SCHEDULED_RUNS: env
    .optional(env.string())
    .describe(
      "cron expressions of the work that comes on a schedule (the scheduler's CronJobs), separated by `;` (the flag may be repeated): 5 fields, or 6 with seconds first; `CRON_TZ=<IANA zone> ` in front for a time zone, else local time. An idle server then stops at the first idle check when the next run is further away than the cold start, and stays when it is nearer (needs `WATCHDOG_COLD_START_S`)",
    ),
  WATCHDOG_ACTUATOR: env.oneOf(["runpod", "kubernetes", "command", "none"]).describe("how a stop is done: `runpod`, `kubernetes`, `command`, or `none` (dry run only)"),
  WATCHDOG_RUNPOD_POD_ID: env.optional(env.string()).describe("the pod to stop, for `runpod`"),
  WATCHDOG_RUNPOD_API_KEY: env.optional(env.string()).describe("RunPod's API key, for `runpod` (environment only, never logged)"),
  WATCHDOG_RUNPOD_API_URL: env.url("https://rest.runpod.io/v1").describe("RunPod's REST API"),
  WATCHDOG_K8S_NAMESPACE: env.string("default").describe("namespace of the Deployment to scale to 0, for `kubernetes`"),
  WATCHDOG_K8S_DEPLOYMENT: env.optional(env.string()).describe("the vLLM Deployment to scale to 0, for `kubernetes`"),
  WATCHDOG_STOP_COMMAND: env.optional(env.string()).describe("for `command`: run with `/bin/sh -c`"),
  WATCHDOG_WAKE: env.boolean(false).describe("start the pool when the gateway holds requests for it (needs `WATCHDOG_GATEWAY_METRICS_URLS`)"),
  WATCHDOG_START_COMMAND: env.optional(env.string()).describe("for `command` with `WATCHDOG_WAKE`, run with `/bin/sh -c`"),
  WATCHDOG_WAKE_TIMEOUT_S: env
    .optional(env.number(1, 86_400))
    .describe("seconds after a start call before the watchdog may start the pool again; default 2 x `WATCHDOG_COLD_START_S`, else 600"),
  WATCHDOG_WEBHOOK_URL: env.optional(env.url()).describe("JSON POST (with a Slack-style `text`) before each stop"),
  HOST: env.string("0.0.0.0").describe("address of the watchdog's own `/metrics`"),
  WATCHDOG_METRICS_PORT: env.port(9465).describe("port of the watchdog's own `/metrics`"),
  LOG_LEVEL: logLevelField("info"),
};

type Variable = keyof typeof schema;

/** The names before every variable carried the watchdog's prefix and its unit; read for one release, with a warning. */
export const watchdogFormerNames: FormerNames = {
  WATCHDOG_IDLE_THRESHOLD_PERCENT: "IDLE_THRESHOLD",
  WATCHDOG_CHECK_INTERVAL_S: "CHECK_INTERVAL",
  WATCHDOG_IDLE_LIMIT_CHECKS: "IDLE_LIMIT",
  WATCHDOG_MIN_RUNTIME_S: "MIN_RUNTIME",
  WATCHDOG_DRY_RUN: "DRY_RUN",
  WATCHDOG_GATEWAY_METRICS_URLS: "GATEWAY_METRICS_URL",
  WATCHDOG_VLLM_METRICS_URLS: "VLLM_METRICS_URLS",
  WATCHDOG_GPU_SIGNAL: "GPU_SIGNAL",
  WATCHDOG_NVIDIA_SMI: "NVIDIA_SMI",
  WATCHDOG_SIGNAL_TIMEOUT_S: "SIGNAL_TIMEOUT",
  WATCHDOG_ADAPTIVE_THRESHOLD: "ADAPTIVE_THRESHOLD",
  WATCHDOG_COLD_START_S: "COLD_START_SECONDS",
  WATCHDOG_PRICE_USD_PER_HOUR: "HOURLY_PRICE",
  WATCHDOG_ACTUATOR: "ACTUATOR",
  WATCHDOG_RUNPOD_POD_ID: "RUNPOD_POD_ID",
  WATCHDOG_RUNPOD_API_KEY: "RUNPOD_API_KEY",
  WATCHDOG_RUNPOD_API_URL: "RUNPOD_API_URL",
  WATCHDOG_K8S_NAMESPACE: "K8S_NAMESPACE",
  WATCHDOG_K8S_DEPLOYMENT: "K8S_DEPLOYMENT",
  WATCHDOG_STOP_COMMAND: "STOP_COMMAND",
  WATCHDOG_WAKE: "WAKE",
  WATCHDOG_START_COMMAND: "START_COMMAND",
  WATCHDOG_WAKE_TIMEOUT_S: "WAKE_TIMEOUT",
  WATCHDOG_WEBHOOK_URL: "WEBHOOK_URL",
} satisfies Partial<Record<Variable, string>>;

/** Every variable but the API key is also a flag (secrets only from the environment). */
const FLAGS: Record<string, Variable> = {
  "idle-threshold": "WATCHDOG_IDLE_THRESHOLD_PERCENT",
  "check-interval": "WATCHDOG_CHECK_INTERVAL_S",
  "idle-limit": "WATCHDOG_IDLE_LIMIT_CHECKS",
  "min-runtime": "WATCHDOG_MIN_RUNTIME_S",
  "dry-run": "WATCHDOG_DRY_RUN",
  "gateway-metrics-url": "WATCHDOG_GATEWAY_METRICS_URLS",
  "vllm-metrics-url": "WATCHDOG_VLLM_METRICS_URLS",
  "gpu-signal": "WATCHDOG_GPU_SIGNAL",
  "nvidia-smi": "WATCHDOG_NVIDIA_SMI",
  "signal-timeout": "WATCHDOG_SIGNAL_TIMEOUT_S",
  "adaptive-threshold": "WATCHDOG_ADAPTIVE_THRESHOLD",
  "cold-start-seconds": "WATCHDOG_COLD_START_S",
  "hourly-price": "WATCHDOG_PRICE_USD_PER_HOUR",
  "scheduled-runs": "WATCHDOG_SCHEDULED_RUNS",
  actuator: "WATCHDOG_ACTUATOR",
  "runpod-pod-id": "WATCHDOG_RUNPOD_POD_ID",
  "runpod-api-url": "WATCHDOG_RUNPOD_API_URL",
  "k8s-namespace": "WATCHDOG_K8S_NAMESPACE",
  "k8s-deployment": "WATCHDOG_K8S_DEPLOYMENT",
  "stop-command": "WATCHDOG_STOP_COMMAND",
  wake: "WATCHDOG_WAKE",
  "start-command": "WATCHDOG_START_COMMAND",
  "wake-timeout": "WATCHDOG_WAKE_TIMEOUT_S",
  "webhook-url": "WATCHDOG_WEBHOOK_URL",
  "metrics-port": "WATCHDOG_METRICS_PORT",
};
/** The flag of a variable, if it has one. */
export const watchdogFlagOf = (variable: string): string | undefined => {
  const flag = Object.entries(FLAGS).find(([, v]) => v === variable)?.[0];
  return flag === undefined ? undefined : `--${flag}`;
};
const BOOLEAN_FLAGS = new Set(["dry-run", "adaptive-threshold", "wake"]);
/** Repeatable flags and what joins their values (cron expressions hold commas). */
const REPEATABLE_FLAGS = new Map([
  ["vllm-metrics-url", ","],
  ["gateway-metrics-url", ","],
  ["scheduled-runs", ";"],
]);
const UNITS: Partial<Record<Variable, string>> = {
  WATCHDOG_IDLE_THRESHOLD_PERCENT: "percent",
  WATCHDOG_CHECK_INTERVAL_S: "seconds",
  WATCHDOG_MIN_RUNTIME_S: "seconds",
  WATCHDOG_SIGNAL_TIMEOUT_S: "seconds",
  WATCHDOG_COLD_START_S: "seconds",
  WATCHDOG_PRICE_USD_PER_HOUR: "dollars per hour",
  WATCHDOG_WAKE_TIMEOUT_S: "seconds",
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
  /** Set when the idle limit was derived from WATCHDOG_COLD_START_S and WATCHDOG_PRICE_USD_PER_HOUR. */
  coldStart?: ColdStartIdleLimit | undefined;
  minRuntimeMs: number;
  /** Set with WATCHDOG_SCHEDULED_RUNS (which needs WATCHDOG_COLD_START_S): the stop rule with known work to come. */
  schedule?: { runs: RunSchedule; coldStartMs: number; checkIntervalMs: number } | undefined;
  dryRun: boolean;
  /** Every gateway replica's /metrics (their sums are read as one gateway). */
  gatewayMetricsUrls: string[];
  vllmMetricsUrls: string[];
  /** Program and leading arguments; undefined when WATCHDOG_GPU_SIGNAL=none. */
  nvidiaSmi?: string[] | undefined;
  /** csv: the --query-gpu query; xml: `-q -x` (WATCHDOG_GPU_SIGNAL=nvidia-smi-xml). */
  nvidiaSmiFormat: "csv" | "xml";
  /** Per read, never longer than a check interval. */
  signalTimeoutMs: number;
  hourlyPriceDollars?: number | undefined;
  actuator: ActuatorConfig;
  /** Set when the watchdog also wakes the pool (WATCHDOG_WAKE): how long it waits for a started pool before starting it again. */
  wake?: { timeoutMs: number } | undefined;
  webhookUrl?: string | undefined;
  host: string;
  metricsPort: number;
  logLevel: string;
  /** One line per former variable name that is set, for the log once the logger exists. */
  formerNameWarnings: string[];
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
  WATCHDOG_RUNPOD_API_KEY (environment only)   the RunPod API key`;

/** Flags win over the environment. Throws WatchdogConfigError listing every problem. */
export function loadConfig(argv: string[], environment: Record<string, string | undefined> = process.env): WatchdogConfig {
  const fromFlags = parseFlags(argv);
  const renamed = withFormerNames(environment, watchdogFormerNames);
  const source = { ...renamed.source, ...fromFlags };
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
  if (!c.WATCHDOG_GATEWAY_METRICS_URLS && !c.WATCHDOG_VLLM_METRICS_URLS) {
    problems.push("WATCHDOG_GATEWAY_METRICS_URLS or WATCHDOG_VLLM_METRICS_URLS is required: without a request signal the watchdog cannot tell that nothing is in flight");
  }
  if (c.WATCHDOG_DRY_RUN === false && actuator.kind === "none") problems.push("WATCHDOG_ACTUATOR=none only makes sense with --dry-run: choose runpod, kubernetes or command");
  let coldStart: ColdStartIdleLimit | undefined;
  if (c.WATCHDOG_COLD_START_S !== undefined) {
    if (c.WATCHDOG_IDLE_LIMIT_CHECKS !== undefined) problems.push(`${named("WATCHDOG_IDLE_LIMIT_CHECKS")} and ${named("WATCHDOG_COLD_START_S")} both set the idle limit: give one`);
    if (c.WATCHDOG_PRICE_USD_PER_HOUR === undefined) problems.push(`${named("WATCHDOG_COLD_START_S")} needs WATCHDOG_PRICE_USD_PER_HOUR (dollars per hour) to price the cold start`);
    else coldStart = idleLimitFromColdStart({ coldStartSeconds: c.WATCHDOG_COLD_START_S, hourlyPriceDollars: c.WATCHDOG_PRICE_USD_PER_HOUR, checkIntervalSeconds: c.WATCHDOG_CHECK_INTERVAL_S });
  }
  const scheduledRuns = c.WATCHDOG_SCHEDULED_RUNS === undefined ? undefined : readScheduledRuns(c.WATCHDOG_SCHEDULED_RUNS, named("WATCHDOG_SCHEDULED_RUNS"), problems);
  if (scheduledRuns && c.WATCHDOG_COLD_START_S === undefined) {
    problems.push(`${named("WATCHDOG_SCHEDULED_RUNS")} needs WATCHDOG_COLD_START_S: whether a stop pays before the next scheduled run depends on the cold start`);
  }
  if (c.WATCHDOG_WAKE) {
    if (!c.WATCHDOG_GATEWAY_METRICS_URLS) problems.push(`${named("WATCHDOG_WAKE")} needs WATCHDOG_GATEWAY_METRICS_URLS: the requests the gateway holds for the pool are the wake signal`);
    if (actuator.kind === "command" && !c.WATCHDOG_START_COMMAND) problems.push(`${named("WATCHDOG_WAKE")} with WATCHDOG_ACTUATOR=command needs WATCHDOG_START_COMMAND`);
  } else {
    if (c.WATCHDOG_START_COMMAND !== undefined) problems.push(`${named("WATCHDOG_START_COMMAND")} is used only with WATCHDOG_WAKE=true`);
    if (c.WATCHDOG_WAKE_TIMEOUT_S !== undefined) problems.push(`${named("WATCHDOG_WAKE_TIMEOUT_S")} is used only with WATCHDOG_WAKE=true`);
  }
  const nvidiaSmi = c.WATCHDOG_NVIDIA_SMI.split(/\s+/).filter((s) => s.length > 0);
  if (problems.length > 0) throw new WatchdogConfigError(problems);
  // A started pool gets twice its measured cold start before the watchdog starts it again.
  const wakeTimeoutSeconds = c.WATCHDOG_WAKE_TIMEOUT_S ?? (c.WATCHDOG_COLD_START_S !== undefined ? 2 * c.WATCHDOG_COLD_START_S : 600);

  return {
    idleThresholdPercent: c.WATCHDOG_IDLE_THRESHOLD_PERCENT,
    adaptiveThreshold: c.WATCHDOG_ADAPTIVE_THRESHOLD,
    checkIntervalMs: c.WATCHDOG_CHECK_INTERVAL_S * 1000,
    idleLimit: coldStart?.idleLimit ?? c.WATCHDOG_IDLE_LIMIT_CHECKS ?? 5,
    coldStart,
    minRuntimeMs: c.WATCHDOG_MIN_RUNTIME_S * 1000,
    schedule:
      scheduledRuns && c.WATCHDOG_COLD_START_S !== undefined
        ? { runs: scheduledRuns, coldStartMs: c.WATCHDOG_COLD_START_S * 1000, checkIntervalMs: c.WATCHDOG_CHECK_INTERVAL_S * 1000 }
        : undefined,
    dryRun: c.WATCHDOG_DRY_RUN,
    gatewayMetricsUrls: c.WATCHDOG_GATEWAY_METRICS_URLS ?? [],
    vllmMetricsUrls: c.WATCHDOG_VLLM_METRICS_URLS ?? [],
    nvidiaSmi: c.WATCHDOG_GPU_SIGNAL === "none" ? undefined : nvidiaSmi,
    nvidiaSmiFormat: c.WATCHDOG_GPU_SIGNAL === "nvidia-smi-xml" ? "xml" : "csv",
    signalTimeoutMs: Math.min(c.WATCHDOG_SIGNAL_TIMEOUT_S, c.WATCHDOG_CHECK_INTERVAL_S) * 1000,
    hourlyPriceDollars: c.WATCHDOG_PRICE_USD_PER_HOUR,
    actuator,
    wake: c.WATCHDOG_WAKE ? { timeoutMs: wakeTimeoutSeconds * 1_000 } : undefined,
    webhookUrl: c.WATCHDOG_WEBHOOK_URL,
    host: c.HOST,
    metricsPort: c.WATCHDOG_METRICS_PORT,
    logLevel: c.LOG_LEVEL,
    formerNameWarnings: renamed.warnings,
  };
}

/** `;`-separated cron expressions; a bad one is a problem that names it. */
function readScheduledRuns(raw: string, variable: string, problems: string[]): RunSchedule | undefined {
  const expressions = raw.split(";").map((e) => e.trim()).filter((e) => e.length > 0);
  if (expressions.length === 0) {
    problems.push(`${variable} holds no cron expression`);
    return undefined;
  }
  try {
    return parseScheduledRuns(expressions);
  } catch (error) {
    if (!(error instanceof ScheduledRunsError)) throw error;
    problems.push(`${variable}: ${error.message}`);
    return undefined;
  }
}

function actuatorConfig(c: ReturnType<typeof readConfig<typeof schema>>, problems: string[]): ActuatorConfig {
  const need = (variable: Variable, value: string | undefined) => {
    if (!value) problems.push(`${variable} is required with WATCHDOG_ACTUATOR=${c.WATCHDOG_ACTUATOR}`);
    return value ?? "";
  };
  switch (c.WATCHDOG_ACTUATOR) {
    case "runpod":
      return { kind: "runpod", podId: need("WATCHDOG_RUNPOD_POD_ID", c.WATCHDOG_RUNPOD_POD_ID), apiKey: need("WATCHDOG_RUNPOD_API_KEY", c.WATCHDOG_RUNPOD_API_KEY), apiUrl: c.WATCHDOG_RUNPOD_API_URL };
    case "kubernetes":
      return { kind: "kubernetes", namespace: c.WATCHDOG_K8S_NAMESPACE, deployment: need("WATCHDOG_K8S_DEPLOYMENT", c.WATCHDOG_K8S_DEPLOYMENT) };
    case "command":
      return { kind: "command", command: need("WATCHDOG_STOP_COMMAND", c.WATCHDOG_STOP_COMMAND), ...(c.WATCHDOG_START_COMMAND ? { startCommand: c.WATCHDOG_START_COMMAND } : {}) };
    case "none":
      return { kind: "none" };
  }
}

/** Flags to variable values; a repeated --vllm-metrics-url, --gateway-metrics-url or --scheduled-runs adds to the list. */
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
    out[variable] = Array.isArray(value) ? value.join(REPEATABLE_FLAGS.get(flag) ?? ",") : String(value);
  }
  return out;
}
