// Composition root of vllm-sim: config, tokenizer, engine, metrics, HTTP server, SIGTERM.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createLogger, drainOnce, shutdownOnSignal } from "@reviewlens/runtime";
import { getTokenizer, memoizeEncodes } from "@reviewlens/tokenizer";
import { effectiveProfile, readSimConfig } from "./config.js";
import { EngineCore } from "./engine/engine-core.js";
import { StepLoop } from "./engine/step-loop.js";
import { EmbeddingsEndpoint } from "./http/embeddings-handler.js";
import { FaultInjector, type ErrorKind } from "./http/fault-injector.js";
import { ModelLoad } from "./http/model-load.js";
import { QueueAdmission } from "./http/queue-admission.js";
import { createSimServer } from "./http/sim-server.js";
import { VllmMetrics } from "./metrics/vllm-metrics.js";
import { createRandom } from "./output/random-source.js";
import { TokenText } from "./output/token-text.js";

let config;
try {
  config = readSimConfig(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`vllm-sim: ${(error as Error).message}\n`);
  process.exit(2);
}
const logger = createLogger("vllm-sim", config.VLLM_SIM_LOG_LEVEL ?? process.env["LOG_LEVEL"] ?? "info");
const profile = effectiveProfile(config);
// vLLM's API server tokenises a request in Rust in a fraction of a millisecond; the simulator's
// JavaScript tokenizer takes milliseconds for a long prompt, CPU time a GPU server does not spend and
// that the simulated engine's clock does not count. An analysis sends one prompt many times: recent
// long prompts' ids are kept (about 256 prompts of 16 KB).
const tokenizer = memoizeEncodes(getTokenizer(), { maxChars: 4_000_000, minChars: 512 });
const text = new TokenText(tokenizer);
const random = createRandom(config.VLLM_SIM_SEED ?? Math.floor(Math.random() * 2 ** 32));

// The metrics read the engine's gauges (at scrape time); the engine reports events to the metrics.
const metrics = new VllmMetrics(profile.servedModelName, profile.maxModelLen, {
  get numRunning() {
    return core.numRunning;
  },
  get numWaiting() {
    return core.numWaiting;
  },
  get kvUsage() {
    return core.kvUsage;
  },
});
const core: EngineCore = new EngineCore(
  {
    profile,
    kvCapacityTokens: profile.kvCapacityTokens,
    maxNumBatchedTokens: config.VLLM_SIM_MAX_NUM_BATCHED_TOKENS,
    maxNumSeqs: config.VLLM_SIM_MAX_NUM_SEQS,
    blockSize: config.VLLM_SIM_BLOCK_SIZE,
    policy: config.VLLM_SIM_SCHEDULING_POLICY,
    enablePrefixCaching: config.VLLM_SIM_ENABLE_PREFIX_CACHING,
    longPrefillTokenThreshold: config.VLLM_SIM_LONG_PREFILL_TOKEN_THRESHOLD,
  },
  metrics,
);
const loop = new StepLoop(core, config.VLLM_SIM_TIME_SCALE);

let faults: FaultInjector;
try {
  faults = new FaultInjector(
    {
      errorRate: config.VLLM_SIM_FAULT_ERROR_RATE,
      errorTypes: config.VLLM_SIM_FAULT_ERROR_TYPES.split(",").map((t) => t.trim() as ErrorKind),
      latencyMs: config.VLLM_SIM_FAULT_LATENCY_MS,
      stallRate: config.VLLM_SIM_FAULT_STALL_RATE,
      stallAfterTokens: config.VLLM_SIM_FAULT_STALL_AFTER_TOKENS,
      stallMs: config.VLLM_SIM_FAULT_STALL_MS,
      schemaViolationRate: config.VLLM_SIM_FAULT_SCHEMA_VIOLATION_RATE,
    },
    random,
  );
} catch (error) {
  process.stderr.write(`vllm-sim: invalid fault setting ${(error as Error).message}\n`);
  process.exit(2);
}

const modelLoad = new ModelLoad(config.VLLM_SIM_STARTUP_DELAY_SECONDS * 1_000 * config.VLLM_SIM_TIME_SCALE);
void modelLoad.whenLoaded().then(() => {
  if (modelLoad.wallMs > 0) logger.info({ startupDelaySeconds: config.VLLM_SIM_STARTUP_DELAY_SECONDS, wallMs: modelLoad.wallMs }, "model loaded; /health passes");
});
const server = createSimServer({
  loop,
  core,
  tokenizer,
  text,
  words: text.wordTexts.map((w) => w.trim()),
  profile,
  priorityScheduling: config.VLLM_SIM_SCHEDULING_POLICY === "priority",
  promptTokensDetails: config.VLLM_SIM_ENABLE_PROMPT_TOKENS_DETAILS,
  faults,
  outputMode: config.VLLM_SIM_OUTPUT,
  meanOutputTokens: config.VLLM_SIM_MEAN_OUTPUT_TOKENS,
  random,
  admission: new QueueAdmission(
    { maxNumQueuedReqs: config.VLLM_SIM_MAX_NUM_QUEUED_REQS, maxNumQueuedTokens: config.VLLM_SIM_MAX_NUM_QUEUED_TOKENS },
    core,
    (reason) => {
      metrics.onAdmissionRejected(reason);
      logger.debug({ reason }, "admission rejected a request");
    },
  ),
  disabledEndpoints: config.VLLM_SIM_DISABLE_ENDPOINTS,
  metrics: metrics.registry,
  embeddings: new EmbeddingsEndpoint(config.VLLM_SIM_EMBEDDING_DIMENSION, tokenizer, "hashing-ngram"),
  logger,
  startedAt: Date.now(),
  modelLoad,
});
server.listen(config.VLLM_SIM_PORT, config.VLLM_SIM_HOST);
await once(server, "listening");
const { port } = server.address() as AddressInfo;
logger.info(
  {
    port,
    host: config.VLLM_SIM_HOST,
    profile: profile.name,
    model: profile.servedModelName,
    timeScale: config.VLLM_SIM_TIME_SCALE,
    kvBlocks: core.scheduler.kv.numBlocks,
    maxNumSeqs: config.VLLM_SIM_MAX_NUM_SEQS,
    maxNumBatchedTokens: config.VLLM_SIM_MAX_NUM_BATCHED_TOKENS,
    startupDelaySeconds: config.VLLM_SIM_STARTUP_DELAY_SECONDS,
    maxNumQueuedReqs: config.VLLM_SIM_MAX_NUM_QUEUED_REQS,
    maxNumQueuedTokens: config.VLLM_SIM_MAX_NUM_QUEUED_TOKENS,
    disabledEndpoints: config.VLLM_SIM_DISABLE_ENDPOINTS.length > 0 ? config.VLLM_SIM_DISABLE_ENDPOINTS : undefined,
  },
  "listening",
);

// Streams in flight end when their clients see the socket close; after 5 s the rest are cut off.
const drain = drainOnce(logger, {
  run: () =>
    new Promise<string>((resolve) => {
      let outcome = "drained";
      setTimeout(() => {
        outcome = "cut off";
        loop.stop();
        server.closeAllConnections();
      }, 5_000).unref();
      server.close(() => resolve(outcome));
      server.closeIdleConnections();
    }),
});
shutdownOnSignal(logger, drain);
