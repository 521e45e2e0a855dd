import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig, WatchdogConfigError } from "./config.js";

const base = { WATCHDOG_ACTUATOR: "command", WATCHDOG_STOP_COMMAND: "docker stop vllm", WATCHDOG_GATEWAY_METRICS_URLS: "http://127.0.0.1:9461/metrics" };

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
      { ...base, WATCHDOG_IDLE_THRESHOLD_PERCENT: "9", WATCHDOG_IDLE_LIMIT_CHECKS: "8" },
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
    assert.match(problems(["--gpu-signal=dcgm"]).join("\n"), /--gpu-signal \(WATCHDOG_GPU_SIGNAL\)/);
  });

  it("reads the environment names of the design notes", () => {
    const c = loadConfig([], { ...base, WATCHDOG_IDLE_THRESHOLD_PERCENT: "3", WATCHDOG_CHECK_INTERVAL_S: "30", WATCHDOG_IDLE_LIMIT_CHECKS: "4", WATCHDOG_MIN_RUNTIME_S: "120", WATCHDOG_DRY_RUN: "true" });
    assert.deepEqual([c.idleThresholdPercent, c.checkIntervalMs, c.idleLimit, c.minRuntimeMs, c.dryRun], [3, 30_000, 4, 120_000, true]);
  });

  it("derives the idle limit from the cold start when WATCHDOG_COLD_START_S is given", () => {
    const c = loadConfig(["--cold-start-seconds=180", "--hourly-price=1.5"], base);
    assert.equal(c.idleLimit, 3);
    assert.ok(c.coldStart && Math.abs(c.coldStart.coldStartCostDollars - 0.075) < 1e-12);
  });

  it("caps a signal read at one check interval", () => {
    assert.equal(loadConfig(["--check-interval=0.1"], base).signalTimeoutMs, 100);
    assert.equal(loadConfig([], base).signalTimeoutMs, 5_000);
  });

  it("names the flag and the variable of a malformed value", () => {
    assert.deepEqual(problems(["--idle-threshold=abc"]), ['--idle-threshold (WATCHDOG_IDLE_THRESHOLD_PERCENT)="abc" is invalid: expected a number from 0 to 100']);
    assert.match(problems([], { ...base, WATCHDOG_CHECK_INTERVAL_S: "-1" })[0] ?? "", /^WATCHDOG_CHECK_INTERVAL_S="-1" is invalid/);
    assert.match(problems(["--idle-limit=0"])[0] ?? "", /WATCHDOG_IDLE_LIMIT_CHECKS.*an integer from 1/);
  });

  it("refuses unknown flags", () => {
    assert.match(problems(["--idle-treshold=3"])[0] ?? "", /idle-treshold/);
  });

  it("lists what each actuator needs", () => {
    assert.deepEqual(problems([], { WATCHDOG_GATEWAY_METRICS_URLS: "http://127.0.0.1:1/metrics", WATCHDOG_ACTUATOR: "runpod" }), [
      "WATCHDOG_RUNPOD_POD_ID is required with WATCHDOG_ACTUATOR=runpod",
      "WATCHDOG_RUNPOD_API_KEY is required with WATCHDOG_ACTUATOR=runpod",
    ]);
    assert.deepEqual(problems([], { ...base, WATCHDOG_ACTUATOR: "kubernetes" }), ["WATCHDOG_K8S_DEPLOYMENT is required with WATCHDOG_ACTUATOR=kubernetes"]);
    assert.deepEqual(problems([], { ...base, WATCHDOG_ACTUATOR: "command", WATCHDOG_STOP_COMMAND: "" }), ["WATCHDOG_STOP_COMMAND is required with WATCHDOG_ACTUATOR=command"]);
    assert.match(problems([], { WATCHDOG_GATEWAY_METRICS_URLS: "http://127.0.0.1:1/metrics" })[0] ?? "", /WATCHDOG_ACTUATOR is required/);
  });

  it("needs a request signal, and refuses conflicting idle limits or an unpriced cold start", () => {
    assert.match(problems([], { ...base, WATCHDOG_GATEWAY_METRICS_URLS: "" })[0] ?? "", /WATCHDOG_GATEWAY_METRICS_URLS or WATCHDOG_VLLM_METRICS_URLS is required/);
    assert.match(problems(["--idle-limit=3", "--cold-start-seconds=60", "--hourly-price=1"])[0] ?? "", /both set the idle limit/);
    assert.match(problems(["--cold-start-seconds=60"])[0] ?? "", /needs WATCHDOG_PRICE_USD_PER_HOUR/);
    assert.match(problems([], { ...base, WATCHDOG_ACTUATOR: "none" })[0] ?? "", /only makes sense with --dry-run/);
  });

  it("wakes only when asked (WATCHDOG_WAKE), reading every gateway replica, with a wake timeout from the cold start", () => {
    assert.equal(loadConfig([], base).wake, undefined, "off by default: it never starts a paid pod unasked");
    const c = loadConfig(["--wake", "--start-command=docker start vllm", "--gateway-metrics-url=http://127.0.0.1:1/metrics", "--gateway-metrics-url=http://127.0.0.1:2/metrics"], base);
    assert.deepEqual(c.wake, { timeoutMs: 600_000 });
    assert.deepEqual(c.actuator, { kind: "command", command: "docker stop vllm", startCommand: "docker start vllm" });
    assert.deepEqual(c.gatewayMetricsUrls, ["http://127.0.0.1:1/metrics", "http://127.0.0.1:2/metrics"]);
    const derived = loadConfig(["--wake", "--start-command=x", "--cold-start-seconds=150", "--hourly-price=1.5"], base);
    assert.deepEqual(derived.wake, { timeoutMs: 300_000 }, "twice the cold start");
    assert.deepEqual(loadConfig(["--wake", "--start-command=x", "--wake-timeout=90"], base).wake, { timeoutMs: 90_000 });
    assert.deepEqual(loadConfig([], { ...base, WATCHDOG_WAKE: "true", WATCHDOG_START_COMMAND: "x", WATCHDOG_GATEWAY_METRICS_URLS: "http://a:1/metrics,http://b:1/metrics" }).gatewayMetricsUrls, ["http://a:1/metrics", "http://b:1/metrics"]);
  });

  it("refuses a wake it could not carry out, and wake settings without WATCHDOG_WAKE", () => {
    assert.deepEqual(problems(["--wake"]), ["--wake (WATCHDOG_WAKE) with WATCHDOG_ACTUATOR=command needs WATCHDOG_START_COMMAND"]);
    assert.match(problems(["--wake", "--start-command=x"], { ...base, WATCHDOG_GATEWAY_METRICS_URLS: "", WATCHDOG_VLLM_METRICS_URLS: "http://127.0.0.1:2/metrics" })[0] ?? "", /needs WATCHDOG_GATEWAY_METRICS_URLS: the requests the gateway holds/);
    assert.deepEqual(problems(["--start-command=x", "--wake-timeout=60"]), ["--start-command (WATCHDOG_START_COMMAND) is used only with WATCHDOG_WAKE=true", "--wake-timeout (WATCHDOG_WAKE_TIMEOUT_S) is used only with WATCHDOG_WAKE=true"]);
  });

  it("reads scheduled runs from `;`-separated WATCHDOG_SCHEDULED_RUNS or repeated --scheduled-runs, with the cold start", () => {
    assert.equal(loadConfig(["--cold-start-seconds=180", "--hourly-price=1.5"], base).schedule, undefined, "off unless set: the break-even rule alone");
    const fromEnv = loadConfig([], { ...base, WATCHDOG_COLD_START_S: "180", WATCHDOG_PRICE_USD_PER_HOUR: "1.5", WATCHDOG_CHECK_INTERVAL_S: "30", WATCHDOG_SCHEDULED_RUNS: "*/10 * * * *; 5-59/10 * * * *" });
    assert.deepEqual(fromEnv.schedule?.runs.expressions, ["*/10 * * * *", "5-59/10 * * * *"]);
    assert.deepEqual([fromEnv.schedule?.coldStartMs, fromEnv.schedule?.checkIntervalMs], [180_000, 30_000]);
    // Commas belong to cron (0,30 = on the hour and the half hour): repeated flags join with `;`.
    const fromFlags = loadConfig(["--cold-start-seconds=180", "--hourly-price=1.5", "--scheduled-runs=0,30 * * * *", "--scheduled-runs=CRON_TZ=Asia/Seoul 0 3 * * *"], base);
    assert.deepEqual(fromFlags.schedule?.runs.expressions, ["0,30 * * * *", "CRON_TZ=Asia/Seoul 0 3 * * *"]);
  });

  it("refuses a bad cron expression naming it, and scheduled runs without a cold start", () => {
    const cold = ["--cold-start-seconds=180", "--hourly-price=1.5"];
    assert.deepEqual(problems([...cold, "--scheduled-runs=*/10 * * * *", "--scheduled-runs=*/10 * * *"]), [
      `--scheduled-runs (WATCHDOG_SCHEDULED_RUNS): "*/10 * * *" is not a cron schedule: invalid configuration format ('*/10 * * *'), exactly five, six, or seven space separated parts are required.`,
    ]);
    assert.match(problems([], { ...base, WATCHDOG_COLD_START_S: "180", WATCHDOG_PRICE_USD_PER_HOUR: "1", WATCHDOG_SCHEDULED_RUNS: "0 25 * * *" })[0] ?? "", /^WATCHDOG_SCHEDULED_RUNS: "0 25 \* \* \*" is not a cron schedule: .*hour/);
    assert.deepEqual(problems([], { ...base, WATCHDOG_COLD_START_S: "180", WATCHDOG_PRICE_USD_PER_HOUR: "1", WATCHDOG_SCHEDULED_RUNS: " ; " }), ["WATCHDOG_SCHEDULED_RUNS holds no cron expression"]);
    assert.deepEqual(problems(["--scheduled-runs=*/10 * * * *"]), [
      "--scheduled-runs (WATCHDOG_SCHEDULED_RUNS) needs WATCHDOG_COLD_START_S: whether a stop pays before the next scheduled run depends on the cold start",
    ]);
  });

  it("never takes the RunPod API key as a flag", () => {
    const [problem] = problems(["--runpod-api-key=secret"]);
    assert.match(problem ?? "", /runpod-api-key/);
    assert.doesNotMatch(problem ?? "", /secret/);
  });
});

describe("former variable names (read for one release)", () => {
  const former = { ACTUATOR: "command", STOP_COMMAND: "docker stop vllm", GATEWAY_METRICS_URL: "http://127.0.0.1:9461/metrics" };

  it("reads the old names when the new ones are unset, with one warning per old name naming the new one", () => {
    const c = loadConfig([], { ...former, CHECK_INTERVAL: "30", HOURLY_PRICE: "2" });
    assert.equal(c.checkIntervalMs, 30_000);
    assert.equal(c.hourlyPriceDollars, 2);
    assert.deepEqual(c.actuator, { kind: "command", command: "docker stop vllm" });
    assert.equal(c.formerNameWarnings.length, 5);
    assert.ok(c.formerNameWarnings.some((w) => /CHECK_INTERVAL .*set WATCHDOG_CHECK_INTERVAL_S instead/.test(w)));
  });

  it("lets the new name win when both are set, and a flag win over both", () => {
    const both = { ...base, CHECK_INTERVAL: "30", WATCHDOG_CHECK_INTERVAL_S: "45" };
    const c = loadConfig([], both);
    assert.equal(c.checkIntervalMs, 45_000);
    assert.match(c.formerNameWarnings.join("\n"), /CHECK_INTERVAL .*WATCHDOG_CHECK_INTERVAL_S.*wins/);
    assert.equal(loadConfig(["--check-interval=10"], both).checkIntervalMs, 10_000);
  });

  it("warns of nothing when only the new names are set", () => {
    assert.deepEqual(loadConfig([], base).formerNameWarnings, []);
  });
});
