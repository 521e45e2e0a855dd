// A short autoscaling run on loopback: real vllm-sim replicas (time-scaled) behind the real gateway,
// the HPA algorithm on the gateway's queue per replica. A burst must scale out, the idle tail must
// scale in (draining through the gateway), and no request may be lost.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { buildWorkload, runScenario, type AutoscaleOptions } from "../src/experiments/autoscaling-benchmark.js";
import { hpaConfigFromValues } from "../src/scaling/helm-hpa-values.js";

const dir = mkdtempSync(join(tmpdir(), "bench-autoscale-"));
after(() => rmSync(dir, { recursive: true, force: true }));

it("scales out under a burst and back in when idle, losing no request", { timeout: 150_000 }, async () => {
  const scaler = hpaConfigFromValues(
    `
autoscaling:
  minReplicas: 1
  maxReplicas: 3
  behavior:
    scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: Pods, value: 2, periodSeconds: 1 }] }
    scaleDown: { stabilizationWindowSeconds: 45, policies: [{ type: Pods, value: 1, periodSeconds: 1 }] }
  metrics:
    - type: External
      external: { metric: { name: gateway_queue_depth }, target: { type: AverageValue, averageValue: "2" } }
`,
    "test values",
  );
  const options: AutoscaleOptions = {
    scenarios: ["hpa-gateway-queue"],
    phases: [
      { name: "burst", durationS: 3, fromRate: 12, toRate: 12 },
      { name: "idle", durationS: 120, fromRate: 0, toRate: 0 },
    ],
    timeScale: 1,
    coldStartS: 0.5,
    checkIntervalS: 0.5,
    inputLen: 256,
    outputLen: 48,
    rangeRatio: 0,
    seed: 1,
    sloTtftS: 2,
    scaler,
    simProfile: "qwen2.5-7b-h100",
    simArgs: ["--max-num-seqs", "2"],
    gatewayEnv: { GATEWAY_MAX_NUM_SEQS: "2" },
    resultsDir: dir,
    live: false,
  };
  const decisionsFile = join(dir, "decisions.jsonl");
  const result = await runScenario("hpa-gateway-queue", options, buildWorkload(options), decisionsFile);
  assert.ok(result.requests > 20, `a burst of requests was sent (${result.requests})`);
  assert.equal(result.lost, 0, `no request lost: ${result.errors.join("; ")}`);
  assert.ok(result.scale_ups >= 1, "at least one scale-out decision");
  assert.ok(result.scale_downs >= 1, "at least one scale-in decision");
  assert.ok(result.max_replicas >= 2);
  const lines = readFileSync(decisionsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  const decisions = lines.filter((l) => l["kind"] === "decision");
  assert.ok(decisions.every((d) => typeof d["t"] === "number" && typeof d["reason"] === "string" && typeof d["desired_replicas"] === "number"));
  const events = lines.filter((l) => l["kind"] === "replica").map((l) => l["event"]);
  assert.ok(events.includes("ready") && events.includes("draining") && events.includes("stopped"), `replica lifecycle: ${events.join(",")}`);
});
