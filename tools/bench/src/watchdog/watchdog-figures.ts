// `make bench-watchdog`: what the watchdog costs while watching (RSS, CPU) next to bare Node, and the
// decision latency from the last request to the stop call, with the default idle limit and the
// cost-derived one. Time is scaled: checks every SCALED_INTERVAL_S stand for checks every 60 s.
import { execFileSync, spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import pidusage from "pidusage";
import { repoRoot, startRecordingServer, startServiceProcess, waitFor, type ServiceProcess } from "@reviewlens/testkit";
import { createFakeNvidiaSmi, startLoad, startStack, type FakeNvidiaSmi, type Stack } from "@reviewlens/watchdog/testing";
import { invokedAs, writeDocsFigures } from "../report/figure-file.js";

const SCALED_INTERVAL_S = 0.2;
const REAL_INTERVAL_S = 60;
const ROUNDS = Number(process.env["WATCHDOG_BENCH_ROUNDS"] ?? 5);
const WATCH_SECONDS = Number(process.env["WATCHDOG_BENCH_WATCH_SECONDS"] ?? 30);
const POD = "bench-pod";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The process and its descendants (tsx runs esbuild as a child service). */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const children = execFileSync("ps", ["-o", "pid=", "--ppid", String(out[i])], { encoding: "utf8" });
      out.push(...children.split("\n").map((s) => Number(s.trim())).filter((n) => n > 0));
    } catch {
      // no children
    }
  }
  return out;
}

interface Usage {
  rssMB: number;
  treeRssMB: number;
  cpuMsPerSecond: number;
}

/** RSS at the end, and CPU time used per wall second over the window. */
async function measure(pid: number, seconds: number, during?: () => void): Promise<Usage> {
  const tree0 = processTree(pid);
  const start = await pidusage(tree0);
  const t0 = Date.now();
  for (let s = 0; s < seconds; s++) {
    await sleep(1000);
    during?.();
  }
  const tree = processTree(pid);
  const end = await pidusage(tree);
  const elapsed = (Date.now() - t0) / 1000;
  const cpu = tree0.reduce((sum, p) => sum + ((end[p]?.ctime ?? 0) - (start[p]?.ctime ?? 0)), 0);
  return {
    rssMB: mb(end[pid]?.memory ?? 0),
    treeRssMB: mb(tree.reduce((sum, p) => sum + (end[p]?.memory ?? 0), 0)),
    cpuMsPerSecond: Math.round((cpu / elapsed) * 100) / 100,
  };
}

/** A reference process: bare Node, or Node with tsx loaded, doing nothing but a timer. */
async function baseline(args: string[]): Promise<Usage> {
  const child = spawn(process.execPath, [...args, "-e", "setInterval(() => {}, 1000); console.log('up')"], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve) => child.stdout.once("data", resolve));
  await sleep(1000);
  const usage = await measure(child.pid!, 5);
  child.kill();
  return usage;
}

async function startWatchdog(stack: Stack, gpu: FakeNvidiaSmi, runpodUrl: string, args: string[]): Promise<ServiceProcess> {
  return startServiceProcess({
    entry: "services/watchdog/src/main.ts",
    args: ["--min-runtime=0", "--actuator=runpod", `--runpod-pod-id=${POD}`, `--runpod-api-url=${runpodUrl}/v1`, "--metrics-port=0", ...stack.watchdogArgs, ...args],
    env: { PATH: gpu.path, WATCHDOG_RUNPOD_API_KEY: "bench-key", LOG_LEVEL: "info" },
    readyWhen: (line) => typeof line["metricsPort"] === "number" && String(line["msg"]).startsWith("watchdog watching"),
  });
}

interface LatencyResult {
  config: string;
  idleLimit: number;
  roundsSeconds: number[];
  checkIntervalsMedian: number;
  /** The median, with checks every 60 s instead of every SCALED_INTERVAL_S. */
  realSecondsMedian: number;
  realSecondsRange: [number, number];
}

/** Rounds of: a burst of load, then idle until the stop call arrives. */
async function latency(stack: Stack, gpu: FakeNvidiaSmi, config: string, args: string[]): Promise<LatencyResult> {
  const runpod = await startRecordingServer(() => ({ status: 200, body: { id: POD } }));
  const wd = await startWatchdog(stack, gpu, runpod.url, [`--check-interval=${SCALED_INTERVAL_S}`, ...args]);
  const idleLimit = Number(wd.logs.find((l) => l["idleLimit"] !== undefined)?.["idleLimit"]);
  const rounds: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const before = runpod.requests.length;
      const load = startLoad(stack, 2);
      await sleep(1000 + Math.random() * 400); // random phase against the check clock
      const lastRequestAt = await load.stop();
      await waitFor(() => runpod.requests.length > before || undefined, "the stop call", 30_000, 5);
      rounds.push((runpod.requests[before]!.at - lastRequestAt) / 1000);
    }
  } finally {
    await wd.stop();
    await runpod.close();
  }
  const sorted = [...rounds].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const toReal = (s: number) => Math.round((s / SCALED_INTERVAL_S) * REAL_INTERVAL_S);
  return {
    config,
    idleLimit,
    roundsSeconds: rounds.map((s) => Math.round(s * 1000) / 1000),
    checkIntervalsMedian: Math.round((median / SCALED_INTERVAL_S) * 100) / 100,
    realSecondsMedian: toReal(median),
    realSecondsRange: [toReal(sorted[0]!), toReal(sorted.at(-1)!)],
  };
}

async function main() {
  const stack = await startStack();
  const gpu = await createFakeNvidiaSmi();
  const results: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version, scaledIntervalSeconds: SCALED_INTERVAL_S };
  try {
    // Resources: watching with checks every second (60x the default rate) and every 60 s, GPU busy so it never stops.
    await gpu.setUtilization(50);
    const runpod = await startRecordingServer();
    const resources: Record<string, Usage> = {};
    for (const interval of [1, 60]) {
      const wd = await startWatchdog(stack, gpu, runpod.url, [`--check-interval=${interval}`]);
      await sleep(3000); // past start-up
      resources[`watchdog, checks every ${interval} s`] = await measure(wd.child.pid!, WATCH_SECONDS);
      await wd.stop();
    }
    await runpod.close();
    resources["bare node (a timer)"] = await baseline([]);
    resources["node + tsx loader (a timer)"] = await baseline(["--import", "tsx"]);
    results["resources"] = resources;

    await gpu.setUtilization(1);
    results["latency"] = [
      await latency(stack, gpu, "defaults: WATCHDOG_IDLE_LIMIT_CHECKS=5", ["--idle-limit=5"]),
      // 180 s cold start at $1.50/h (the design notes' example), scaled like the interval.
      await latency(stack, gpu, "cost-derived: WATCHDOG_COLD_START_S=180, WATCHDOG_PRICE_USD_PER_HOUR=1.5", [
        `--cold-start-seconds=${((180 / REAL_INTERVAL_S) * SCALED_INTERVAL_S).toFixed(3)}`,
        "--hourly-price=1.5",
      ]),
    ];
  } finally {
    await gpu.remove();
    await stack.stop();
  }
  const dir = join(repoRoot, "bench-results", "watchdog");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "figures.json"), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(dir, "report.md"), report(results));
  process.stdout.write(report(results));
  process.stdout.write(`written to ${dir} and ${writeDocsFigures("watchdog", invokedAs("bench-watchdog", []), report(results))}\n`);
}

function report(r: Record<string, unknown>): string {
  const resources = r["resources"] as Record<string, Usage>;
  const latencies = r["latency"] as LatencyResult[];
  const lines = [
    "# Watchdog figures",
    "",
    `Node ${String(r["node"])}. RSS of the process; "tree" adds its children (tsx's esbuild service). CPU as ms of CPU per wall second (10 = 1% of a core).`,
    "",
    "| process | RSS MB | tree RSS MB | CPU ms/s |",
    "| --- | ---: | ---: | ---: |",
    ...Object.entries(resources).map(([name, u]) => `| ${name} | ${u.rssMB} | ${u.treeRssMB} | ${u.cpuMsPerSecond} |`),
    "",
    `Decision latency, last request finished -> stop call received, checks every ${SCALED_INTERVAL_S} s scaled to every ${REAL_INTERVAL_S} s:`,
    "",
    "| config | idle limit | median (check intervals) | median at 60 s checks | range at 60 s checks |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...latencies.map((l) => `| ${l.config} | ${l.idleLimit} | ${l.checkIntervalsMedian} | ${l.realSecondsMedian} s | ${l.realSecondsRange[0]}-${l.realSecondsRange[1]} s |`),
    "",
  ];
  return lines.join("\n");
}

await main();
