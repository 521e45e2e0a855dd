// Composition root of the scheduler: a run-once program (a Kubernetes CronJob) that picks the
// restaurants due for re-analysis and calls the analysis services' batch RPCs.
// Exit codes: 0 done, 1 some analyses failed, 2 bad configuration or flags, 3 a dependency is down.
import { openMetricsStore, metricsStoreOptions, type MetricsStore } from "@reviewlens/metrics-store";
import { sentiment, summarization, vectorsearch } from "@reviewlens/contracts";
import { createLogger, createServiceClient } from "@reviewlens/runtime";
import { analysisBatches } from "./adapters/analysis-batches.js";
import { analysisStateSource, noLastSuccesses } from "./adapters/analysis-state-source.js";
import { vectorSearchStats } from "./adapters/vector-search-stats.js";
import { runOnce } from "./run-once.js";
import { readSettings, USAGE, type SchedulerSettings } from "./scheduler-config.js";

let settings: SchedulerSettings;
try {
  settings = readSettings(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
const { config } = settings;
const logger = createLogger("scheduler", config.LOG_LEVEL);
const lines: string[] = [];
const print = settings.json ? (line: string) => lines.push(line) : (line: string) => process.stdout.write(`${line}\n`);

const vectors = createServiceClient(vectorsearch.VectorSearchServiceDefinition, config.VECTOR_SEARCH_ADDR);
const sentimentClient = createServiceClient(sentiment.SentimentServiceDefinition, config.SENTIMENT_ADDR);
const summarizationClient = createServiceClient(summarization.SummarizationServiceDefinition, config.SUMMARIZATION_ADDR);
// The services' analysis_state is only shared through a real PostgreSQL: the embedded default keeps
// one PGlite per process, so without DATABASE_URL every restaurant counts as never analysed and the
// services' own SKIP check answers the unchanged ones.
let store: MetricsStore | undefined;
const controller = new AbortController();
const timeout = setTimeout(() => controller.abort(new Error(`run exceeded SCHEDULER_RUN_TIMEOUT_MS=${config.SCHEDULER_RUN_TIMEOUT_MS}`)), config.SCHEDULER_RUN_TIMEOUT_MS);
process.once("SIGTERM", () => controller.abort(new Error("SIGTERM")));
let exitCode: number;
try {
  if (config.DATABASE_URL) store = await openMetricsStore(metricsStoreOptions(config, logger));
  else print("note: DATABASE_URL is not set, so the analyses' last successes are unknown: every restaurant counts as never analysed (SKIP still applies in the services)");
  const { plan, summary } = await runOnce({
    stats: vectorSearchStats(vectors.client),
    lastSuccesses: store ? analysisStateSource(store) : noLastSuccesses,
    analyser: analysisBatches({ sentiment: sentimentClient.client, summarization: summarizationClient.client }),
    analysisTypes: settings.analysisTypes,
    tiers: settings.tiers,
    budget: settings.budget,
    driftScale: config.SCHEDULER_DRIFT_SCALE,
    nowMs: settings.nowMs,
    dryRun: settings.dryRun,
    signal: controller.signal,
    print,
  });
  if (settings.json) process.stdout.write(`${JSON.stringify({ plan: plan.restaurants, summary, log: lines })}\n`);
  exitCode = summary.outcomes.failed > 0 ? 1 : 0;
} catch (err) {
  process.stderr.write(`scheduler: ${(err as Error).message}\n`);
  exitCode = 3;
} finally {
  clearTimeout(timeout);
  await store?.close();
  vectors.channel.close();
  sentimentClient.channel.close();
  summarizationClient.channel.close();
}
process.exit(exitCode);
