import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig, WatchdogConfigError } from "./config.js";

const base = { ACTUATOR: "command", STOP_COMMAND: "docker stop vllm", GATEWAY_METRICS_URL: "http://127.0.0.1:9461/metrics" };

function problems(argv: string[], env: Record<string, string> = base): string[] {
  try {
    loadConfig(argv, env);
  } catch (error) {
    if (error instanceof WatchdogConfigError) return error.problems;
    throw error;
  }
  assert.fail("expected a configuration error");
}

describe("watchdog configuration", () => {
  it("has the design notes' defaults", () => {
    const c = loadConfig([], base);
    assert.equal(c.idleThresholdPercent, 5);
    assert.equal(c.checkIntervalMs, 60_000);
    assert.equal(c.idleLimit, 5);
    assert.equal(c.minRuntimeMs, 600_000);
    assert.equal(c.dryRun, false);
    assert.equal(c.adaptiveThreshold, false);
    assert.deepEqual(c.nvidiaSmi, ["nvidia-smi"]);
    assert.equal(c.nvidiaSmiFormat, "csv");
    assert.equal(c.metricsPort, 9465);
    assert.deepEqual(c.actuator, { kind: "command", command: "docker stop vllm" });
  });

  it("takes every documented flag, flags over the environment", () => {
    const c = loadConfig(
      [
        "--idle-threshold=7.5",
        "--check-interval",
        "0.2",
        "--idle-limit=3",
        "--min-runtime=0",
        "--dry-run",
        "--gateway-metrics-url=http://127.0.0.1:1/metrics",
        "--vllm-metrics-url=http://127.0.0.1:2/metrics",
        "--vllm-metrics-url=http://127.0.0.1:3/metrics",
      ],
      { ...base, IDLE_THRESHOLD: "9", IDLE_LIMIT: "8" },
    );
    assert.equal(c.idleThresholdPercent, 7.5);
    assert.equal(c.checkIntervalMs, 200);
    assert.equal(c.idleLimit, 3);
    assert.equal(c.minRuntimeMs, 0);
    assert.equal(c.dryRun, true);
    assert.deepEqual(c.gatewayMetricsUrls, ["http://127.0.0.1:1/metrics"]);
    assert.deepEqual(c.vllmMetricsUrls, ["http://127.0.0.1:2/metrics", "http://127.0.0.1:3/metrics"]);
  });

  it("reads nvidia-smi's XML with --gpu-signal=nvidia-smi-xml and refuses an unknown signal", () => {
    const c = loadConfig(["--gpu-signal=nvidia-smi-xml"], base);
    assert.deepEqual([c.nvidiaSmi, c.nvidiaSmiFormat], [["nvidia-smi"], "xml"]);
    assert.match(problems(["--gpu-signal=dcgm"]).join("\n"), /--gpu-signal \(GPU_SIGNAL\)/);
  });

  it("reads the environment names of the design notes", () => {
    const c = loadConfig([], { ...base, IDLE_THRESHOLD: "3", CHECK_INTERVAL: "30", IDLE_LIMIT: "4", MIN_RUNTIME: "120", DRY_RUN: "true" });
    assert.deepEqual([c.idleThresholdPercent, c.checkIntervalMs, c.idleLimit, c.minRuntimeMs, c.dryRun], [3, 30_000, 4, 120_000, true]);
  });

  it("derives the idle limit from the cold start when COLD_START_SECONDS is given", () => {
    const c = loadConfig(["--cold-start-seconds=180", "--hourly-price=1.5"], base);
    assert.equal(c.idleLimit, 3);
    assert.ok(c.coldStart && Math.abs(c.coldStart.coldStartCostDollars - 0.075) < 1e-12);
  });

  it("caps a signal read at one check interval", () => {
    assert.equal(loadConfig(["--check-interval=0.1"], base).signalTimeoutMs, 100);
    assert.equal(loadConfig([], base).signalTimeoutMs, 5_000);
  });

  it("names the flag and the variable of a malformed value", () => {
    assert.deepEqual(problems(["--idle-threshold=abc"]), ['--idle-threshold (IDLE_THRESHOLD)="abc" is invalid: expected a number from 0 to 100']);
    assert.match(problems([], { ...base, CHECK_INTERVAL: "-1" })[0] ?? "", /^CHECK_INTERVAL="-1" is invalid/);
    assert.match(problems(["--idle-limit=0"])[0] ?? "", /IDLE_LIMIT.*an integer from 1/);
  });

  it("refuses unknown flags", () => {
    assert.match(problems(["--idle-treshold=3"])[0] ?? "", /idle-treshold/);
  });

  it("lists what each actuator needs", () => {
    assert.deepEqual(problems([], { GATEWAY_METRICS_URL: "http://127.0.0.1:1/metrics", ACTUATOR: "runpod" }), [
      "RUNPOD_POD_ID is required with ACTUATOR=runpod",
      "RUNPOD_API_KEY is required with ACTUATOR=runpod",
    ]);
    assert.deepEqual(problems([], { ...base, ACTUATOR: "kubernetes" }), ["K8S_DEPLOYMENT is required with ACTUATOR=kubernetes"]);
    assert.deepEqual(problems([], { ...base, ACTUATOR: "command", STOP_COMMAND: "" }), ["STOP_COMMAND is required with ACTUATOR=command"]);
    assert.match(problems([], { GATEWAY_METRICS_URL: "http://127.0.0.1:1/metrics" })[0] ?? "", /ACTUATOR is required/);
  });

  it("needs a request signal, and refuses conflicting idle limits or an unpriced cold start", () => {
    assert.match(problems([], { ...base, GATEWAY_METRICS_URL: "" })[0] ?? "", /GATEWAY_METRICS_URL or VLLM_METRICS_URLS is required/);
    assert.match(problems(["--idle-limit=3", "--cold-start-seconds=60", "--hourly-price=1"])[0] ?? "", /both set the idle limit/);
    assert.match(problems(["--cold-start-seconds=60"])[0] ?? "", /needs HOURLY_PRICE/);
    assert.match(problems([], { ...base, ACTUATOR: "none" })[0] ?? "", /only makes sense with --dry-run/);
  });

  it("wakes only when asked (WAKE), reading every gateway replica, with a wake timeout from the cold start", () => {
    assert.equal(loadConfig([], base).wake, undefined, "off by default: it never starts a paid pod unasked");
    const c = loadConfig(["--wake", "--start-command=docker start vllm", "--gateway-metrics-url=http://127.0.0.1:1/metrics", "--gateway-metrics-url=http://127.0.0.1:2/metrics"], base);
    assert.deepEqual(c.wake, { timeoutMs: 600_000 });
    assert.deepEqual(c.actuator, { kind: "command", command: "docker stop vllm", startCommand: "docker start vllm" });
    assert.deepEqual(c.gatewayMetricsUrls, ["http://127.0.0.1:1/metrics", "http://127.0.0.1:2/metrics"]);
    const derived = loadConfig(["--wake", "--start-command=x", "--cold-start-seconds=150", "--hourly-price=1.5"], base);
    assert.deepEqual(derived.wake, { timeoutMs: 300_000 }, "twice the cold start");
    assert.deepEqual(loadConfig(["--wake", "--start-command=x", "--wake-timeout=90"], base).wake, { timeoutMs: 90_000 });
    assert.deepEqual(loadConfig([], { ...base, WAKE: "true", START_COMMAND: "x", GATEWAY_METRICS_URL: "http://a:1/metrics,http://b:1/metrics" }).gatewayMetricsUrls, ["http://a:1/metrics", "http://b:1/metrics"]);
  });

  it("refuses a wake it could not carry out, and wake settings without WAKE", () => {
    assert.deepEqual(problems(["--wake"]), ["--wake (WAKE) with ACTUATOR=command needs START_COMMAND"]);
    assert.match(problems(["--wake", "--start-command=x"], { ...base, GATEWAY_METRICS_URL: "", VLLM_METRICS_URLS: "http://127.0.0.1:2/metrics" })[0] ?? "", /needs GATEWAY_METRICS_URL: the requests the gateway holds/);
    assert.deepEqual(problems(["--start-command=x", "--wake-timeout=60"]), ["--start-command (START_COMMAND) is used only with WAKE=true", "--wake-timeout (WAKE_TIMEOUT) is used only with WAKE=true"]);
  });

  it("never takes the RunPod API key as a flag", () => {
    const [problem] = problems(["--runpod-api-key=secret"]);
    assert.match(problem ?? "", /runpod-api-key/);
    assert.doesNotMatch(problem ?? "", /secret/);
  });
});
