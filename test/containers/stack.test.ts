// The stack in containers (issue 17): every component from the image in its own container, with a
// read-only root file system, the chart's volumes (/tmp, /data) and uid 1000, wired as `make up`
// wires it (tools/dev-stack) but to real PostgreSQL and Redis on loopback (container-stack.ts). The CLI runs the main job
// from the host; then each container is stopped (SIGTERM) during a running analysis.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ClientError, Status } from "nice-grpc";
import { analyze, ServiceClients, type AnalysisRow } from "@reviewlens/cli";
import { common } from "@reviewlens/contracts";
import { generateDataset, toJsonLines } from "@reviewlens/demo-data";
import { createTestDatabase, runToExit, waitFor, type TestDatabase } from "@reviewlens/testkit";
import { byKind, openChartWorkspace } from "../helm/helm-fixture.js";
import { containerStack, type ContainerStack } from "./container-stack.js";
import { reflectedServices } from "./grpc-checks.js";
import { containerState, image, lastLogLines, podman, podmanAsync, waitForContainer } from "./podman.js";

const prefix = `rl-ct-${process.pid}`;
const work = mkdtempSync(join(tmpdir(), "reviewlens-containers-"));
let stack: ContainerStack;
let ports: ContainerStack["ports"];
let running: ContainerStack["containers"];
let database: TestDatabase;
/** terminationGracePeriodSeconds of each chart's pod (helm template of the umbrella chart). */
const grace = new Map<string, number>();
const runArgs: ContainerStack["runArgs"] = (...args) => stack.runArgs(...args);

const services = ["vllm-sim", "inference-gateway", "vector-search", "sentiment", "summarization"] as const;

before(async () => {
  podman(["image", "exists", image]);
  const charts = openChartWorkspace();
  try {
    for (const d of [...byKind(charts.render("reviewlens", ["-f", "k8s/examples/values-no-gpu.yaml", "--set", "watchdog.enabled=true"]), "Deployment")]) {
      grace.set(d.metadata.name.replace(/^rl-/, ""), d.spec?.template.spec?.terminationGracePeriodSeconds as number);
    }
  } finally {
    charts.close();
  }
  database = await createTestDatabase("containers");
  stack = await containerStack({ prefix, work, production: { DATABASE_URL: database.url, REDIS_URL: process.env["TEST_REDIS_URL"] ?? "" }, stopTimeouts: grace });
  ports = stack.ports;
  running = stack.containers;
  await stack.start();
});

after(async () => {
  stack?.remove();
  await database?.drop().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

const cli = (args: string[]) =>
  runToExit("tools/cli/bin/reviewlens.js", {}, [
    "--gateway", `127.0.0.1:${ports.gatewayGrpc}`, "--vector-search", `127.0.0.1:${ports.vectorSearchGrpc}`,
    "--sentiment", `127.0.0.1:${ports.sentimentGrpc}`, "--summarization", `127.0.0.1:${ports.summarizationGrpc}`, "--timeout", "240000", ...args,
  ]);

describe("the stack in containers", () => {
  it("runs every container as uid 1000 on a read-only root file system; the services write only their volumes", () => {
    for (const name of [...services, "watchdog"]) {
      const container = `${prefix}-${name}`;
      assert.equal(podman(["exec", container, "id", "-u"]).stdout.trim(), "1000", name);
      const write = podman(["exec", container, "touch", "/app/written"], true);
      assert.notEqual(write.code, 0, `${name} could write /app`);
      assert.match(write.stderr, /Read-only file system/);
      assert.equal(podman(["inspect", "--format", "{{.HostConfig.ReadonlyRootfs}}", container]).stdout.trim(), "true");
    }
    // The embedded vector store is in the data volume.
    assert.ok(readdirSync(join(work, "vector-search-data")).length > 0, "vector-search wrote its store to /data");
  });

  it("runs the main job from the host CLI: ingest, the three analyses, a batch with a SKIP", async () => {
    const file = join(work, "reviews.jsonl");
    writeFileSync(file, toJsonLines(generateDataset({ restaurants: 3, maxReviews: 30 }).reviews));
    const ingest = await cli(["ingest", file]);
    assert.equal(ingest.code, 0, ingest.stderr);
    assert.match(ingest.stdout, /\d+ stored, 0 rejected/);
    for (const kind of ["sentiment", "summary", "strengths"]) {
      const r = await cli(["analyze", kind, "r001"]);
      assert.equal(r.code, 0, `${kind}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`${kind} of r001: completed`));
    }
    const batch = await cli(["analyze", "summary", "r001", "r002"]);
    assert.equal(batch.code, 0, batch.stderr);
    assert.match(batch.stdout, /summary of r001: skipped \(stored result/, "r001 was summarised a moment ago: SKIP");
    assert.match(batch.stdout, /summary of r002: completed/);
  });

  it("runs the scheduler's one-shot run in a container, which analyses what is due and exits 0", () => {
    const run = podman(
      runArgs("scheduler", {
        SENTIMENT_ADDR: `127.0.0.1:${ports.sentimentGrpc}`, SUMMARIZATION_ADDR: `127.0.0.1:${ports.summarizationGrpc}`,
        VECTOR_SEARCH_ADDR: `127.0.0.1:${ports.vectorSearchGrpc}`, DATABASE_URL: database.url, SCHEDULER_BUDGET: "3",
      }, ["node", "dist/scheduler.mjs", "--analyses=sentiment"]),
      true,
    );
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.equal(containerState(`${prefix}-scheduler`).exitCode, 0);
  });

  it("answers health (SERVING) and server reflection on every service's port", async () => {
    for (const r of running.values()) {
      assert.ok(await r.ready(), `${r.name} ready`);
      if (r.grpcAddress) {
        const names = await reflectedServices(r.grpcAddress);
        assert.ok(names.includes("grpc.health.v1.Health"), `${r.name}: ${names.join(", ")}`);
        assert.ok(names.some((n) => n.startsWith("reviewlens.")), `${r.name} lists its own service: ${names.join(", ")}`);
      }
    }
  });

  it("the watchdog decides in dry run: the idle stack would be stopped, nothing is called", async () => {
    const container = `${prefix}-watchdog`;
    await waitForContainer(container, async () => /dry run: would stop/.test(lastLogLines(container, 200)), "deciding a stop");
    assert.equal(containerState(container).status, "running");
  });

  it("each container stopped (SIGTERM) during a running analysis exits 0 within the chart's grace period; the analysis completes or fails UNAVAILABLE", async (t) => {
    for (const name of ["sentiment", "summarization", "vector-search", "inference-gateway", "vllm-sim", "watchdog"] as const) {
      const r = running.get(name)!;
      const kind = name === "sentiment" ? "sentiment" : "summary";
      // Fresh channels: the test's own to a restarted service would still be in reconnect back-off.
      const clients = stack.clients();
      try {
        // The whole path serves again (the services' channels to the one restarted before included).
        await waitFor(async () => (await analyze(clients, kind, ["r002"], { force: true })).every((row) => row.report?.status === COMPLETED) || undefined, `a ${kind} analysis before stopping ${name}`, 120_000, 500);
        const { analysis } = await analysisAtTheSimulator(clients, kind);
        const stop = await podmanAsync(["stop", "-t", String(grace.get(name)), r.container]);
        assert.equal(stop.code, 0, stop.stderr);
        const state = containerState(r.container);
        assert.equal(state.exitCode, 0, `${name} exited ${state.exitCode} (137 = killed after the ${grace.get(name)} s grace period):\n${lastLogLines(r.container)}`);
        // Bounded: the client's deadline (120 s) turns a hang into DEADLINE_EXCEEDED, which fails here.
        const outcome = outcomeOf(name, await analysis);
        if (name === "watchdog") assert.equal(outcome, "completed", "the watchdog is not on the analysis' path");
        t.diagnostic(`${name} stopped during a ${kind} analysis: ${outcome}`);
        podman(["start", r.container]);
        await waitForContainer(r.container, r.ready, "SERVING again");
      } finally {
        clients.close();
      }
    }
  });
});

const { ANALYSIS_STATUS_COMPLETED: COMPLETED, ANALYSIS_STATUS_FAILED: FAILED } = common.AnalysisStatus;
type Settled = { rows: AnalysisRow[] } | { error: unknown };

/** The simulator holds a request: an analysis has reached the LLM, every component on its path serves it. */
async function simulatorBusy(): Promise<boolean> {
  const metrics = await (await fetch(`http://127.0.0.1:${ports.sim}/metrics`)).text();
  return /^vllm:num_requests_(running|waiting)\{[^}]*\} [1-9]/m.test(metrics);
}

/**
 * Starts a forced analysis of r003 and returns it once the simulator holds its request (nothing else
 * sends the simulator work here). One that ends between two looks is started again, a few times.
 * Wrapped in an object: an async function that returned the promise itself would settle with it.
 */
async function analysisAtTheSimulator(clients: ServiceClients, kind: "sentiment" | "summary"): Promise<{ analysis: Promise<Settled> }> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    let settled = false;
    const analysis: Promise<Settled> = analyze(clients, kind, ["r003"], { force: true, priority: common.Priority.PRIORITY_INTERACTIVE })
      .then((rows) => ({ rows }), (error: unknown) => ({ error }))
      .finally(() => (settled = true));
    const seen = await waitFor(async () => ((await simulatorBusy()) ? "busy" : settled ? "settled" : undefined), `the ${kind} analysis reaching the simulator`, 120_000, 20);
    if (seen === "busy") return { analysis };
    await analysis;
  }
  throw new Error(`five ${kind} analyses ended before the simulator was seen holding their request`);
}

/** What became of an analysis whose path lost a container: completed, or failed with UNAVAILABLE (thrown, or in its report). */
function outcomeOf(name: string, settled: Settled): "completed" | "unavailable" {
  if ("error" in settled) {
    assert.ok(settled.error instanceof ClientError, `${name}: ${String(settled.error)}`);
    assert.equal(settled.error.code, Status.UNAVAILABLE, `${name}: ${settled.error.message}`);
    return "unavailable";
  }
  assert.equal(settled.rows.length, 1, name);
  const report = settled.rows[0]?.report;
  if (report?.status === COMPLETED) return "completed";
  assert.equal(report?.status, FAILED, `${name}: ${JSON.stringify(report)}`);
  assert.match(report?.error ?? "", /UNAVAILABLE/, `${name}: a dependency went away: ${report?.error}`);
  return "unavailable";
}

describe("errors a person can act on", () => {
  it("a container missing a required variable exits 2 and names it in podman logs; a crash loop fails with its last log lines", async () => {
    const container = `${prefix}-no-actuator`;
    podman(runArgs("no-actuator", {}, ["node", "dist/watchdog.mjs", `--vllm-metrics-url=http://127.0.0.1:${ports.sim}/metrics`], ["-d", "--restart=always"]));
    // The helper every test waits with: it reports the crash and the container's own words.
    await assert.rejects(waitForContainer(container, async () => false, "SERVING", 600_000), (e: Error) => /restarts|exited/.test(e.message) && /ACTUATOR/.test(e.message));
    podman(["rm", "-f", "-t", "0", container], true);
    const once = podman(runArgs("no-actuator-once", {}, ["node", "dist/watchdog.mjs", `--vllm-metrics-url=http://127.0.0.1:${ports.sim}/metrics`]), true);
    assert.equal(once.code, 2);
    assert.match(lastLogLines(`${prefix}-no-actuator-once`), /ACTUATOR/);
  });
});
