// `make bench-containers`: the figures of the stack in containers (issue 17), written to
// bench-results/containers/figures.json and figures.md. Measured, never asserted:
// - the image's size and its largest layers;
// - `make image` with its layer cache, and (unless BENCH_QUICK=1) with every project layer built anew;
// - the whole stack from the first `podman run` to every component ready (median of BENCH_RUNS);
// - per component, `podman run` to ready while the others run (median of BENCH_RUNS);
// - memory per container (podman stats, and the node process's VmRSS) at rest and after the main
//   job (ingest, the three analyses, a batch);
// - (unless BENCH_QUICK=1) `make test-containers` end to end.
// Runs under scripts/test-servers.sh (PostgreSQL and Redis on loopback), as the tests do.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { analyze, ingestFile } from "@reviewlens/cli";
import { generateDataset, toJsonLines } from "@reviewlens/demo-data";
import { invokedAs, writeDocsFigures } from "@reviewlens/bench/figures";
import { createTestDatabase, repoRoot } from "@reviewlens/testkit";
import { containerStack, type ContainerStack } from "./container-stack.js";
import { image, podman, waitForContainer } from "./podman.js";

const runs = Number(process.env["BENCH_RUNS"] ?? 3);
const quick = process.env["BENCH_QUICK"] === "1";
const out = join(repoRoot, "bench-results", "containers");
const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] as number;
const mb = (bytes: number) => Math.round(bytes / 1e6);
const log = (line: string) => process.stderr.write(`bench-containers: ${line}\n`);

/** Runs a command from the repository's root, its output on stderr; returns its wall time. */
function timed(command: string, args: string[], env: Record<string, string> = {}): { seconds: number; exitCode: number | null } {
  const started = performance.now();
  const r = spawnSync(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", process.stderr, process.stderr] });
  return { seconds: seconds(started), exitCode: r.status };
}

interface Memory {
  podmanStatsMB: number;
  vmRssMB: number;
}
/** Memory of each container: podman stats (the cgroup's count) and the VmRSS of its process 1. */
function memory(stack: ContainerStack): Record<string, Memory> {
  const stats = JSON.parse(podman(["stats", "--no-stream", "--format", "json", ...[...stack.containers.values()].map((c) => c.container)]).stdout) as { name: string; mem_usage: string }[];
  const unit: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
  const result: Record<string, Memory> = {};
  for (const c of stack.containers.values()) {
    const usage = stats.find((s) => s.name === c.container)?.mem_usage.split(" / ")[0] ?? "";
    const [, value, suffix] = /^([\d.]+)\s*([A-Za-z]+)$/.exec(usage) ?? [];
    const rss = /VmRSS:\s+(\d+) kB/.exec(podman(["exec", c.container, "cat", "/proc/1/status"]).stdout)?.[1];
    result[c.name] = { podmanStatsMB: mb(Number(value) * (unit[suffix ?? "B"] ?? 1)), vmRssMB: mb(Number(rss) * 1024) };
  }
  return result;
}

/** The main job of the tests: ingest, sentiment, summary and strengths of r001, a batch of two. */
async function mainJob(stack: ContainerStack, work: string): Promise<number> {
  const started = performance.now();
  const file = join(work, "reviews.jsonl");
  writeFileSync(file, toJsonLines(generateDataset({ restaurants: 3, maxReviews: 30 }).reviews));
  const clients = stack.clients(300_000);
  try {
    await ingestFile(clients, file, { batchSize: 100, progress: false });
    for (const kind of ["sentiment", "summary", "strengths"] as const) await analyze(clients, kind, ["r001"], { force: true });
    await analyze(clients, "summary", ["r001", "r002"], { force: false });
  } finally {
    clients.close();
  }
  return seconds(started);
}

async function stackFigures() {
  const database = await createTestDatabase("bench_containers");
  const production = { DATABASE_URL: database.url, REDIS_URL: process.env["TEST_REDIS_URL"] ?? "" };
  const work = mkdtempSync(join(tmpdir(), "reviewlens-bench-containers-"));
  const stacks: ContainerStack[] = [];
  const freshStack = async () => {
    stacks.at(-1)?.remove();
    const runWork = join(work, `stack-${stacks.length + 1}`);
    mkdirSync(runWork);
    stacks.push(await containerStack({ prefix: `rl-bench-${process.pid}-${stacks.length + 1}`, work: runWork, production }));
    return stacks.at(-1) as ContainerStack;
  };
  try {
    const wholeStack: number[] = [];
    let stack: ContainerStack | undefined;
    for (let run = 1; run <= runs; run++) {
      stack = await freshStack();
      const started = performance.now();
      await stack.start();
      wholeStack.push(seconds(started));
      log(`whole stack, run ${run}: ${wholeStack.at(-1)} s`);
    }
    // The last fresh stack: at rest (no request yet), then after the main job.
    await new Promise((r) => setTimeout(r, 10_000));
    const atRest = memory(stack as ContainerStack);
    const mainJobSeconds = await mainJob(stack as ContainerStack, work);
    const afterMainJob = memory(stack as ContainerStack);
    // Each component started again while the others run, on another stack (the restarts leave the
    // services' channels reconnecting, which nothing measured here should wait for).
    const restarted = await freshStack();
    await restarted.start();
    const startToReady: Record<string, number[]> = {};
    for (const c of restarted.containers.values()) {
      const times: number[] = [];
      for (let run = 1; run <= runs; run++) {
        podman(["rm", "-f", "-t", "0", c.container]);
        const started = performance.now();
        podman(c.run);
        await waitForContainer(c.container, c.ready, "SERVING");
        times.push(seconds(started));
      }
      startToReady[c.name] = times;
      log(`${c.name}: ${times.join(", ")} s`);
    }
    return { wholeStack, startToReady, atRest, afterMainJob, mainJobSeconds };
  } finally {
    stacks.at(-1)?.remove();
    await database.drop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

const startedAt = new Date().toISOString();
const loadBefore = loadavg();
log(`make image (layer cache) of ${image}`);
const imageCached = timed("bash", ["scripts/build-image.sh"], { IMAGE: image });
const size = Number(podman(["image", "inspect", "--format", "{{.Size}}", image]).stdout.trim());
// What the size is made of: the base image, then /app's parts as the image holds them.
const baseImage = "docker.io/library/node:20-slim"; // the Dockerfile's FROM
const [nodeBinary, ...parts] = podman(["run", "--rm", "--network", "host", "--entrypoint", "sh", image, "-c", "du -sb /usr/local/bin/node /app/dist /app/node_modules/*/* /app/descriptor.binpb"]).stdout
  .trim().split("\n").map((line) => line.split("\t")).map(([bytes, path]) => ({ path: path ?? "", mb: Math.round(Number(bytes) / 1e5) / 10 }));
const composition = [{ path: baseImage, mb: mb(Number(podman(["image", "inspect", "--format", "{{.Size}}", baseImage]).stdout.trim())) }, ...parts];
const stackResult = await stackFigures();
let imageFromScratch: { seconds: number; exitCode: number | null } | undefined;
let testContainers: { seconds: number; exitCode: number | null } | undefined;
if (!quick) {
  const scratch = `${image.slice(0, image.lastIndexOf(":"))}:bench-scratch`;
  log(`make image with every project layer built anew (${scratch})`);
  imageFromScratch = timed("bash", ["scripts/build-image.sh"], { IMAGE: scratch, NO_CACHE: "1" });
  podman(["rmi", scratch], true);
  log("make test-containers");
  testContainers = timed("make", ["--no-print-directory", "test-containers", `IMAGE=${image}`]);
}

const figures = {
  startedAt,
  machine: { cpus: cpus().length, loadAverageBefore: loadBefore.map((l) => Math.round(l * 10) / 10), loadAverageAfter: loadavg().map((l) => Math.round(l * 10) / 10), note: "shared with other sessions working in parallel: figures are upper bounds of an idle machine's" },
  image: { name: image, sizeMB: mb(size), composition, nodeBinaryMB: nodeBinary?.mb },
  makeImage: { cachedSeconds: imageCached.seconds, fromScratchSeconds: imageFromScratch?.seconds, fromScratchNote: "every layer above the local base image built anew; npm's download cache (a build cache mount) as it was" },
  wholeStackSecondsToServing: { runs: stackResult.wholeStack, median: median(stackResult.wholeStack) },
  startToServingSeconds: Object.fromEntries(Object.entries(stackResult.startToReady).map(([k, v]) => [k, { runs: v, median: median(v) }])),
  memoryMB: { atRest: stackResult.atRest, afterMainJob: stackResult.afterMainJob, mainJobSeconds: stackResult.mainJobSeconds },
  makeTestContainers: testContainers && { seconds: testContainers.seconds, passed: testContainers.exitCode === 0 },
};
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "figures.json"), `${JSON.stringify(figures, null, 2)}\n`);

const rows = [...Object.keys(stackResult.startToReady)].map((name) => {
  const rest = stackResult.atRest[name] as Memory;
  const busy = stackResult.afterMainJob[name] as Memory;
  return `| ${name} | ${figures.startToServingSeconds[name]?.median} | ${rest.podmanStatsMB} / ${rest.vmRssMB} | ${busy.podmanStatsMB} / ${busy.vmRssMB} |`;
});
const minutes = (s: number | undefined) => (s === undefined ? "not measured (BENCH_QUICK=1)" : `${(s / 60).toFixed(1)} min`);
const markdown = [
  `Measured by \`make bench-containers\` (${startedAt.slice(0, 10)}, ${figures.machine.cpus} cores, load average ${figures.machine.loadAverageBefore.join(" ")} before and ${figures.machine.loadAverageAfter.join(" ")} after; the machine was shared with other work).`,
  "",
  `Image \`${image}\`: **${figures.image.sizeMB} MB** = ${composition.map((p) => `${p.path} ${p.mb} MB`).join(" + ")} (Node.js's binary in the base: ${nodeBinary?.mb} MB).`,
  "",
  "| component | `podman run` to ready, median of " + runs + " (s) | memory at rest, podman stats / VmRSS (MB) | after the main job (MB) |",
  "|---|---|---|---|",
  ...rows,
  "",
  `Whole stack, first \`podman run\` to every component ready: median ${figures.wholeStackSecondsToServing.median} s (${stackResult.wholeStack.join(", ")} s). Main job (ingest of 3 restaurants, sentiment, summary, strengths, a batch of two): ${stackResult.mainJobSeconds} s.`,
  `\`make image\`: ${imageCached.seconds} s with the layer cache, ${minutes(imageFromScratch?.seconds)} with every project layer built anew. \`make test-containers\`: ${minutes(testContainers?.seconds)}${testContainers ? (testContainers.exitCode === 0 ? " (passed)" : " (FAILED)") : ""}.`,
  "",
].join("\n");
writeFileSync(join(out, "figures.md"), markdown);
const docsFigures = writeDocsFigures("containers", invokedAs("bench-containers", []), markdown);
log(`wrote ${join(out, "figures.json")}, figures.md and ${docsFigures}`);
