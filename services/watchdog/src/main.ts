// Composition root of the watchdog: config, metrics endpoint, signals, policy, actuator, the check loop.
// Light imports only (runtime's config and logger, not its gRPC/tracing index): the watchdog should stay small.
import { createLogger } from "@reviewlens/runtime/logger";
import { drainOnce, shutdownOnSignal } from "@reviewlens/runtime/shutdown";
import type { Actuator } from "./actuators/actuator.js";
import { createCommandActuator } from "./actuators/command-actuator.js";
import { createRunPodActuator } from "./actuators/runpod-actuator.js";
import { createNvidiaSmiGpuSignal } from "./adapters/nvidia-smi-gpu-signal.js";
import { createPrometheusLoadSignal, GATEWAY_LOAD_METRICS, VLLM_LOAD_METRICS } from "./adapters/prometheus-load-signal.js";
import { perReplica } from "./adapters/replica-addresses.js";
import { createWebhookNotifier } from "./adapters/webhook-notifier.js";
import { loadConfig, USAGE, WatchdogConfigError, type ActuatorConfig } from "./config.js";
import { IdlePolicy } from "./idle-policy.js";
import { adaptiveThreshold, fixedThreshold } from "./idle-threshold.js";
import { startMetricsEndpoint } from "./metrics-endpoint.js";
import { WakePolicy } from "./wake-policy.js";
import { systemClock, Watchdog } from "./watchdog.js";
import { createWatchdogMetrics } from "./watchdog-metrics.js";

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

let config;
let actuator: Actuator;
try {
  config = loadConfig(argv);
  actuator = await buildActuator(config.actuator);
} catch (error) {
  const message = error instanceof WatchdogConfigError ? error.message : `invalid configuration: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`watchdog: ${message}\n`);
  process.exit(2);
}

const metricsEndpoint = await startMetricsEndpoint({ host: config.host, port: config.metricsPort });
const logger = createLogger("watchdog", config.logLevel);
for (const warning of config.formerNameWarnings) logger.warn(warning);
const threshold = config.adaptiveThreshold ? adaptiveThreshold({ initialPercent: config.idleThresholdPercent }) : fixedThreshold(config.idleThresholdPercent);
const watchdog = new Watchdog({
  gpu: config.nvidiaSmi ? createNvidiaSmiGpuSignal(config.nvidiaSmi, config.signalTimeoutMs, config.nvidiaSmiFormat) : undefined,
  gateways: config.gatewayMetricsUrls.map((url) => perReplica(url, (u) => createPrometheusLoadSignal(u, GATEWAY_LOAD_METRICS, config.signalTimeoutMs))),
  vllm: config.vllmMetricsUrls.map((url) => createPrometheusLoadSignal(url, VLLM_LOAD_METRICS, config.signalTimeoutMs)),
  policy: new IdlePolicy({ idleLimit: config.idleLimit, minRuntimeMs: config.minRuntimeMs, threshold, schedule: config.schedule }, systemClock.now()),
  wake: config.wake ? new WakePolicy({ wakeTimeoutMs: config.wake.timeoutMs }) : undefined,
  actuator,
  notifier: config.webhookUrl ? createWebhookNotifier(config.webhookUrl) : undefined,
  metrics: createWatchdogMetrics(metricsEndpoint.meter),
  logger,
  clock: systemClock,
  dryRun: config.dryRun,
  hourlyPriceDollars: config.hourlyPriceDollars,
});

logger.info(
  {
    metricsPort: metricsEndpoint.port,
    target: actuator.target,
    dryRun: config.dryRun,
    checkIntervalSeconds: config.checkIntervalMs / 1000,
    idleLimit: config.idleLimit,
    coldStart: config.coldStart,
    minRuntimeSeconds: config.minRuntimeMs / 1000,
    scheduledRuns: config.schedule?.runs.expressions,
    threshold: threshold.description,
    gpu: config.nvidiaSmi?.join(" ") ?? "off",
    gateways: config.gatewayMetricsUrls,
    wakeTimeoutSeconds: config.wake ? config.wake.timeoutMs / 1000 : undefined,
    vllm: config.vllmMetricsUrls,
  },
  `watchdog watching ${actuator.target}; metrics :${metricsEndpoint.port}/metrics`,
);

const abort = new AbortController();
const running = watchdog.run(config.checkIntervalMs, abort.signal);
const drain = drainOnce(logger, {
  run: async () => {
    abort.abort();
    await running;
    return "drained";
  },
});
shutdownOnSignal(logger, async () => {
  await drain();
  await metricsEndpoint.close();
});

async function buildActuator(c: ActuatorConfig): Promise<Actuator> {
  switch (c.kind) {
    case "runpod":
      return createRunPodActuator({ podId: c.podId, apiKey: c.apiKey, baseUrl: c.apiUrl });
    case "kubernetes": {
      // Loaded only when used: the Kubernetes client alone adds about 120 MB of RSS.
      const { createKubernetesActuator, loadKubeConfig } = await import("./actuators/kubernetes-actuator.js");
      return createKubernetesActuator({ namespace: c.namespace, deployment: c.deployment, kubeConfig: loadKubeConfig() });
    }
    case "command":
      return createCommandActuator({ command: c.command, startCommand: c.startCommand });
    case "none":
      return {
        target: "nothing (WATCHDOG_ACTUATOR=none, dry run)",
        stop: () => Promise.reject(new Error("WATCHDOG_ACTUATOR=none cannot stop anything")),
        start: () => Promise.reject(new Error("WATCHDOG_ACTUATOR=none cannot start anything")),
      };
  }
}
