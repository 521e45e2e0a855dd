// Composition root of the inference gateway: config, backends, queue, dispatcher, metrics store,
// gRPC service, OpenAI-compatible HTTP facade, readiness (a healthy backend) and SIGTERM drain.
import { trace } from "@opentelemetry/api";
import { inference } from "@reviewlens/contracts";
import { metricsStoreOptions, openMetricsStore } from "@reviewlens/metrics-store";
import { runService, type ConfigOf, type Logger } from "@reviewlens/runtime";
import { OpenAiBackend } from "./adapters/openai-backend.js";
import { VllmServerProbe } from "./adapters/vllm-server-probe.js";
import { BackendPool } from "./backend-pool.js";
import { ColdPool } from "./cold-pool/cold-pool.js";
import { coldPoolMetrics } from "./cold-pool/cold-pool-metrics.js";
import { ColdStartEstimate } from "./cold-pool/cold-start-estimate.js";
import { gatewayFormerNames, gatewayPorts, gatewaySchema } from "./config.js";
import { Dispatcher, type Waiter } from "./dispatcher.js";
import { GatewayMetrics } from "./gateway-metrics.js";
import { GenAiTelemetry } from "./genai-telemetry.js";
import { gatewayService } from "./grpc-handlers.js";
import { startOpenAiFacade } from "./http/openai-facade.js";
import { InferenceGateway } from "./inference-gateway.js";
import { BackendRouter } from "./routing/backend-router.js";
import { FairHeadroom } from "./scheduling/fair-headroom.js";
import { LatencySensitiveArrivals } from "./scheduling/latency-sensitive-arrivals.js";
import { QueueWaitModel } from "./scheduling/queue-wait-model.js";
import { PrefillCostQueue } from "./scheduling/prefill-cost-queue.js";
import { TokenEstimator } from "./scheduling/token-estimator.js";
import { RedisBudgetStore } from "./adapters/redis-budget-store.js";
import { FailoverBudgetStore } from "./tenancy/budget-failover.js";
import { gatewayKeyCheck } from "./tenancy/gateway-key-check.js";
import type { BudgetStore } from "./tenancy/budget-store.js";
import { LocalBudgetTable } from "./tenancy/local-budget-table.js";
import { TenantBudgets } from "./tenancy/tenant-budgets.js";
import { TenantConfigError, TenantDirectory } from "./tenancy/tenant-directory.js";
import { resolveTenant, type IdentifyTenant } from "./tenancy/tenant-identity.js";

type GatewayConfig = ConfigOf<typeof gatewaySchema>;

/** The tenants' configuration; a mistake in it stops the start with a message naming the variable and field. */
function tenantDirectory(config: GatewayConfig): TenantDirectory {
  try {
    return TenantDirectory.fromConfig(config);
  } catch (error) {
    if (!(error instanceof TenantConfigError)) throw error;
    process.stderr.write(`inference-gateway: invalid configuration:\n  - ${error.message}\n`);
    process.exit(2);
  }
}

/** Budgets in Redis when GATEWAY_REDIS_URL is set (every replica), else this replica's table; none without budgets. */
function openBudgetStore(config: GatewayConfig, tenants: TenantDirectory, logger: Logger): BudgetStore | undefined {
  if (!tenants.hasBudgets) return undefined;
  const window = { windowMs: config.GATEWAY_BUDGET_WINDOW_MS, inFlightRetryMs: 1_000, leaseMs: config.GATEWAY_BUDGET_LEASE_MS };
  const local = new LocalBudgetTable(window);
  if (!config.GATEWAY_REDIS_URL) return local;
  const redis = new RedisBudgetStore({ ...window, url: config.GATEWAY_REDIS_URL, logger, commandTimeoutMs: config.GATEWAY_BUDGET_REDIS_TIMEOUT_MS });
  return new FailoverBudgetStore(redis, local, config.GATEWAY_BUDGET_REDIS_DOWN, logger);
}

await runService({
  name: "inference-gateway",
  defaults: gatewayPorts,
  schema: gatewaySchema,
  formerNames: gatewayFormerNames,
  async build({ config, logger, meter }) {
    const tenants = tenantDirectory(config);
    const store = await openMetricsStore({ ...metricsStoreOptions(config, logger, meter), name: "inference-gateway" });
    const queue = new PrefillCostQueue<Waiter>({
      fairness: config.GATEWAY_FAIRNESS === "vtc" ? { weightOf: (tenant) => tenants.weight(tenant) } : undefined,
      agingFactor: config.GATEWAY_AGING_FACTOR,
      agingFloorTokens: config.GATEWAY_AGING_FLOOR_TOKENS,
      crossClassFactor: config.GATEWAY_AGING_CROSS_CLASS_FACTOR,
      deadlineSlackMs: config.GATEWAY_DEADLINE_SLACK_MS,
      costGranularityTokens: config.GATEWAY_SJF_GRANULARITY_TOKENS,
    });
    const router = new BackendRouter({ policy: config.GATEWAY_ROUTING, affinityMargin: config.GATEWAY_AFFINITY_MARGIN, maxEntries: 200_000 });
    const pool = new BackendPool({
      capacity: { maxNumSeqs: config.GATEWAY_MAX_NUM_SEQS, maxNumBatchedTokens: config.GATEWAY_MAX_NUM_BATCHED_TOKENS },
      admission: {
        prefillBudgetSteps: config.GATEWAY_PREFILL_BUDGET_STEPS,
        seqBudgetFraction: config.GATEWAY_SEQ_BUDGET_FRACTION,
        kvCacheHighWater: config.GATEWAY_KV_CACHE_HIGH_WATER,
        interactiveHeadroomSteps: config.GATEWAY_INTERACTIVE_HEADROOM_STEPS,
        interactivePrefillBudgetSteps: config.GATEWAY_INTERACTIVE_PREFILL_BUDGET_STEPS,
        shortPromptTokens: config.GATEWAY_SHORT_PROMPT_TOKENS,
        backpressureBackoffMs: config.GATEWAY_BACKPRESSURE_BACKOFF_MS,
        backpressureMaxBackoffMs: config.GATEWAY_BACKPRESSURE_MAX_BACKOFF_MS,
      },
      probeIntervalMs: config.GATEWAY_PROBE_INTERVAL_MS,
      unhealthyAfter: config.GATEWAY_UNHEALTHY_AFTER,
      checkTokenize: config.GATEWAY_TOKENIZE,
      connect: (url) => ({ api: new OpenAiBackend(url, config.GATEWAY_BACKEND_API_KEY), probe: new VllmServerProbe(url, config.GATEWAY_PROBE_TIMEOUT_MS) }),
      onHealthChange: (b) => {
        coldPool.update();
        if (!b.healthy) router.forget(b.id);
        logger.info({ backend: b.id, healthy: b.healthy, lastError: b.lastError || undefined }, b.healthy ? "backend healthy" : "backend taken out");
      },
    });
    const coldPoolEvents = coldPoolMetrics(meter, () => coldPool.snapshot());
    const coldPool = new ColdPool(
      { wakeable: config.GATEWAY_WAKEABLE, coldStart: new ColdStartEstimate(config.GATEWAY_WAKE_COLD_START_MS), wakeTimeoutMs: config.GATEWAY_WAKE_TIMEOUT_MS },
      {
        healthyBackends: () => pool.list().filter((b) => b.healthy && !b.draining).length,
        events: {
          refused: (reason) => coldPoolEvents.refused(reason),
          woke(wakeMs, waitsMs) {
            coldPoolEvents.woke(wakeMs, waitsMs);
            logger.info({ wakeMs: Math.round(wakeMs), heldRequests: waitsMs.length }, "backend pool woke; held requests go through admission");
          },
        },
      },
    );
    const metrics = new GatewayMetrics(meter, { queue: () => queue.snapshot(), backends: () => pool.list() });
    const queueWait = new QueueWaitModel();
    const dispatcher = new Dispatcher(
      queue,
      pool,
      router,
      {
        batchWindowMs: config.GATEWAY_BATCH_WINDOW_MS,
        latencySensitive: new LatencySensitiveArrivals({
          windowMs: config.GATEWAY_INTERACTIVE_WINDOW_MS,
          shortPromptTokens: config.GATEWAY_SHORT_PROMPT_TOKENS,
          backendOrdersClasses: config.GATEWAY_BACKEND_PRIORITY,
        }),
        headroom:
          config.GATEWAY_FAIRNESS === "vtc" && config.GATEWAY_FAIR_HEADROOM_SEQS !== 0
            ? new FairHeadroom({ seqs: config.GATEWAY_FAIR_HEADROOM_SEQS, activeWindowMs: config.GATEWAY_FAIR_HEADROOM_WINDOW_MS, weightOf: (t) => tenants.weight(t) })
            : undefined,
      },
      (reason, priority, dispatched) => {
        metrics.dispatched(reason, priority);
        queueWait.dispatched(dispatched);
      },
    );
    const budgets = new TenantBudgets(tenants, openBudgetStore(config, tenants, logger), config.GATEWAY_BUDGET_WINDOW_MS, logger, (tenant, reason) =>
      metrics.refused(tenants.metricsLabel(tenant), reason),
    );
    const identify: IdentifyTenant = (credentials) => resolveTenant(credentials, { apiKeys: tenants.apiKeys, trustHeader: config.GATEWAY_TRUST_TENANT_HEADER }).tenant;
    logger.info({ tenants: tenants.names(), fairness: config.GATEWAY_FAIRNESS, budgetStore: budgets.storeDescription, trustTenantHeader: config.GATEWAY_TRUST_TENANT_HEADER }, "tenants");
    const limits = { maxPromptChars: config.GATEWAY_MAX_PROMPT_CHARS, maxOutputTokens: config.GATEWAY_MAX_OUTPUT_TOKENS, maxEmbedTexts: config.GATEWAY_EMBED_MAX_TEXTS };
    const gateway = new InferenceGateway(
      {
        maxQueueLength: config.GATEWAY_MAX_QUEUE,
        prefillTokensPerSecond: config.GATEWAY_PREFILL_TOKENS_PER_SECOND,
        sloTtftMs: config.GATEWAY_SLO_TTFT_MS,
        defaultMaxTokens: config.GATEWAY_DEFAULT_MAX_TOKENS,
        tokenize: config.GATEWAY_TOKENIZE,
        backendPriority: config.GATEWAY_BACKEND_PRIORITY,
        retryAttempts: config.GATEWAY_RETRY_ATTEMPTS,
        backpressureMaxWaitMs: config.GATEWAY_BACKPRESSURE_MAX_WAIT_MS,
        idempotencyWindowMs: config.GATEWAY_IDEMPOTENCY_WINDOW_MS,
        prefixBlocks: { blockTokens: 16, blockChars: config.GATEWAY_AFFINITY_BLOCK_CHARS, maxBlocks: 128 },
        embeddingBatch: { maxBatchSize: config.GATEWAY_EMBED_MAX_BATCH, maxWaitMs: config.GATEWAY_EMBED_MAX_WAIT_MS },
      },
      {
        pool,
        coldPool,
        dispatcher,
        router,
        estimator: new TokenEstimator(),
        queueWait,
        metrics,
        genAi: new GenAiTelemetry(meter, trace.getTracer("inference-gateway")),
        logger,
        tenants,
        budgets,
        record: (row) => store.recordVllmMetrics(row),
      },
    );
    for (const url of config.GATEWAY_BACKEND_URLS) pool.add(url);
    pool.start();

    const facade = await startOpenAiFacade(
      gateway,
      pool,
      { apiKey: config.GATEWAY_API_KEY, limits, defaultPriority: config.GATEWAY_DEFAULT_PRIORITY, identify, tenantKeys: tenants.apiKeys },
      { host: config.HOST, port: config.GATEWAY_HTTP_PORT },
    );
    logger.info(
      { httpPort: facade.port, backends: config.GATEWAY_BACKEND_URLS, metricsStore: store.location, wakeable: config.GATEWAY_WAKEABLE },
      `OpenAI-compatible facade on :${facade.port}`,
    );
    // The facade stops taking new requests as soon as draining starts; in-flight ones finish.
    let facadeClosed: Promise<void> | undefined;
    const closeFacade = () => (facadeClosed ??= facade.app.close());
    process.once("SIGTERM", () => void closeFacade());
    process.once("SIGINT", () => void closeFacade());
    // A wake may take minutes, longer than the drain: requests held for it fail now, retryable elsewhere.
    process.once("SIGTERM", () => coldPool.shutdown());
    process.once("SIGINT", () => coldPool.shutdown());

    return {
      services: [{ definition: inference.InferenceGatewayServiceDefinition, implementation: gatewayService(gateway, limits, identify, logger) }],
      apiKey: gatewayKeyCheck(config.GATEWAY_GRPC_API_KEY, tenants.apiKeys),
      // A pool that can be woken is ready while cold: its requests wait for the wake.
      readiness: async () => pool.anyHealthy || coldPool.wakeable,
      async close() {
        await closeFacade();
        gateway.close();
        pool.stop();
        await budgets.close();
        await store.close();
      },
    };
  },
});
