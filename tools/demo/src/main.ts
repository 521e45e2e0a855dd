// `make demo`: the system's main job on the embedded default. Starts the stack on free ports with
// a fresh data directory, generates and ingests synthetic Korean reviews, runs sentiment, summary
// and strengths for a few restaurants and a batch, prints results with a timing and token table,
// and stops everything it started.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze, formatIngestSummary, ingestFile, renderAccounting, renderResult, ServiceClients, type AnalysisRow } from "@reviewlens/cli";
import { common } from "@reviewlens/contracts";
import { generateDataset, toJsonLines } from "@reviewlens/demo-data";
import { defaultPorts, stackComponents, startDevStack, type StackPorts } from "@reviewlens/dev-stack";
import { InvalidConfigError, readConfig } from "@reviewlens/runtime/config";
import { demoSchema } from "./demo-config.js";
import { freePorts } from "./free-ports.js";
import { waitUntilReady } from "./readiness.js";

const say = (s = "") => process.stdout.write(`${s}\n`);
let settings;
try {
  settings = readConfig(demoSchema);
} catch (error) {
  if (!(error instanceof InvalidConfigError)) throw error;
  process.stderr.write(`demo: ${error.message}\n`);
  process.exit(2);
}
const { DEMO_SEED: seed, DEMO_RESTAURANTS: restaurantCount, DEMO_MAX_REVIEWS: maxReviews, GATEWAY_BACKEND_URLS: realModel } = settings;

const work = mkdtempSync(join(tmpdir(), "reviewlens-demo-"));
const logFile = join(work, "stack.log");
const ports = await freePorts(Object.keys(defaultPorts) as Array<keyof StackPorts>);
const components = stackComponents(ports, { DATA_DIR: join(work, "data"), LOG_LEVEL: "info", ...(realModel ? { GATEWAY_BACKEND_URLS: realModel } : {}) }).filter(
  (c) => !(realModel && c.name === "vllm-sim"),
);

say("Reviewlens demo");
say(
  realModel
    ? `Answers come from the model at ${realModel} (GATEWAY_BACKEND_URLS is set).`
    : "Answers come from the built-in vLLM simulator (qwen2.5-7b-h100 profile), not from a language model. In its grounded\n" +
        "mode they are schema-valid JSON made of phrases of the reviews in each prompt, with labels from a small word list:\n" +
        "readable, but no model's judgement. Set GATEWAY_BACKEND_URLS to a real vLLM endpoint for a model's answers. Timings are the simulator's.",
);
say(`Embedded default: LanceDB vector store, PGlite metrics store, in-process locks, data in ${work}`);
say();

const stack = startDevStack(components, (name, line) => appendFileSync(logFile, `[${name}] ${line}\n`));
let exitCode = 0;
const clients = new ServiceClients({
  gateway: `127.0.0.1:${ports.gatewayGrpc}`,
  vectorSearch: `127.0.0.1:${ports.vectorSearchGrpc}`,
  sentiment: `127.0.0.1:${ports.sentimentGrpc}`,
  summarization: `127.0.0.1:${ports.summarizationGrpc}`,
  tls: false,
  timeoutMs: 300_000,
});
const stop = async () => {
  clients.close();
  say("stopping the stack...");
  await stack.stop();
};
process.once("SIGINT", () => void stop().then(() => process.exit(130)));

try {
  const started = Date.now();
  let lastNote = 0;
  await Promise.race([
    waitUntilReady(components, 120_000, (pending) => {
      if (Date.now() - lastNote > 3000) {
        lastNote = Date.now();
        say(`  waiting for ${pending.join(", ")}...`);
      }
    }),
    stack.firstExit.then((c) => Promise.reject(new Error(`${c.component.name} exited during start-up`))),
  ]);
  say(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${components.map((c) => c.name).join(", ")}`);

  const dataset = generateDataset({ seed, restaurants: restaurantCount, maxReviews });
  const file = join(work, "reviews.jsonl");
  writeFileSync(file, toJsonLines(dataset.reviews));
  writeFileSync(join(work, "truth.json"), JSON.stringify(dataset.truth, null, 2));
  say(`generated ${dataset.reviews.length} synthetic reviews of ${restaurantCount} restaurants (seed ${seed}); ground truth in ${join(work, "truth.json")}`);
  say(formatIngestSummary(await ingestFile(clients, file, { batchSize: 200 })));
  say();

  const ids = dataset.truth.restaurants.map((r) => r.restaurant_id);
  const few = ids.slice(0, 3);
  const rows: AnalysisRow[] = [];
  const show = (row: AnalysisRow) => {
    rows.push(row);
    say(renderResult(row));
  };
  // Never forced: the batch below finds the first three summaries fresh and answers them from the
  // stored result (SKIP), which is the point of the never-analyse-twice guard.
  const interactive = { force: false, priority: common.Priority.PRIORITY_INTERACTIVE, onResult: show };
  say(`== sentiment, summary and strengths of ${few.join(", ")}`);
  for (const kind of ["sentiment", "summary", "strengths"] as const) await analyze(clients, kind, few, interactive);
  say();
  say(`== batch: summaries of all ${ids.length} restaurants in one SummarizeBatch (results stream as each finishes)`);
  const batchStarted = Date.now();
  const batchFrom = rows.length;
  await analyze(clients, "summary", ids, { force: false, priority: common.Priority.PRIORITY_BATCH, onResult: show });
  const skipped = rows.slice(batchFrom).filter((r) => r.report?.status === common.AnalysisStatus.ANALYSIS_STATUS_SKIPPED).length;
  say(`batch finished in ${((Date.now() - batchStarted) / 1000).toFixed(2)} s; ${skipped} of ${ids.length} answered from the stored result (SKIP, no LLM call)`);
  say();
  say("== timing and tokens (prompt tokens sent with TOP-K selection vs sending every review; cached: served by the prefix cache, not computed)");
  say(renderAccounting(rows));
  const failed = rows.filter((r) => r.report?.status === common.AnalysisStatus.ANALYSIS_STATUS_FAILED);
  if (failed.length > 0) {
    exitCode = 1;
    say(`${failed.length} analyses failed; component logs: ${logFile}`);
  }
} catch (error) {
  exitCode = 1;
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\ncomponent logs: ${logFile}\n`);
} finally {
  await stop();
  if (exitCode === 0) rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
