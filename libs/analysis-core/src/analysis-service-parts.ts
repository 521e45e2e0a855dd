// What both analysis services compose the same way: clients of vector-search and the gateway, the
// metrics store, the analysis guard (lock -> SKIP -> run -> record -> release) and readiness.
import type { Meter } from "@opentelemetry/api";
import { analysisGuardSchema, createAnalysisGuardFromConfig, type AnalysisGuardConfig } from "@reviewlens/analysis-guard";
import { inference, vectorsearch } from "@reviewlens/contracts";
import { metricsStoreOptions, metricsStoreSchema, openMetricsStore, type MetricsStoreConfig } from "@reviewlens/metrics-store";
import { allReady, createServiceClient, env, gatewayGrpcApiKeyClientField, genAiConventionsSchema, grpcDependency, vectorSearchAddrField, type Logger } from "@reviewlens/runtime";
import { instrumentRunner } from "./analysis-metrics.js";
import type { AnalysisRunner } from "./analysis-runner.js";
import { withGatewayTenant } from "./gateway-tenant.js";
import { withGenAiClientTelemetry } from "./genai-client-telemetry.js";
import { guardedRunner } from "./guarded-runner.js";
import { withSharedPromptRounds } from "./shared-prompt-rounds.js";

export const analysisServiceSchema = {
  VECTOR_SEARCH_ADDR: vectorSearchAddrField,
  GATEWAY_ADDR: env.string("127.0.0.1:50051").describe("inference-gateway address (`dns:///name:port` balances across replicas)"),
  GATEWAY_SHARED_PROMPTS: env
    .boolean(true)
    .describe("send an analysis's requests over one prompt as one `CompleteShared` call (false: one `Complete` call each, as before; a gateway without it is detected either way)"),
  GATEWAY_TENANT: env
    .optional(env.string())
    .describe("the tenant this service's LLM requests count against at the gateway, sent as `x-tenant` (honoured with the gateway's `GATEWAY_TRUST_TENANT_HEADER=true`); unset: the service's name"),
  GATEWAY_GRPC_API_KEY: gatewayGrpcApiKeyClientField,
  ...metricsStoreSchema,
  ...analysisGuardSchema,
  ...genAiConventionsSchema,
};

export interface AnalysisServiceContext {
  config: MetricsStoreConfig &
    AnalysisGuardConfig & { VECTOR_SEARCH_ADDR: string; GATEWAY_ADDR: string; GATEWAY_SHARED_PROMPTS: boolean; GATEWAY_TENANT?: string | undefined; GATEWAY_GRPC_API_KEY?: string | undefined };
  logger: Logger;
  meter: Meter;
}

/** `service`: the service's name, its tenant at the gateway unless GATEWAY_TENANT names another. */
export async function openAnalysisDependencies({ config, logger, meter }: AnalysisServiceContext, service = "analysis") {
  const vectors = createServiceClient(vectorsearch.VectorSearchServiceDefinition, config.VECTOR_SEARCH_ADDR);
  const gateway = createServiceClient(inference.InferenceGatewayServiceDefinition, config.GATEWAY_ADDR, { apiKey: config.GATEWAY_GRPC_API_KEY });
  const sharedRounds = config.GATEWAY_SHARED_PROMPTS ? withSharedPromptRounds : <C>(client: C) => client;
  const probes = [grpcDependency("vector-search", config.VECTOR_SEARCH_ADDR), grpcDependency("inference-gateway", config.GATEWAY_ADDR)];
  const store = await openMetricsStore(metricsStoreOptions(config, logger, meter));
  const guard = createAnalysisGuardFromConfig(config, { store, logger, meter });
  logger.info({ metricsStore: store.location, locks: guard.lockDescription }, "analysis guard ready");
  const runner: AnalysisRunner = instrumentRunner(guardedRunner(guard, vectors.client), meter);
  return {
    vectors: vectors.client,
    gateway: withGenAiClientTelemetry(sharedRounds(withGatewayTenant(gateway.client, config.GATEWAY_TENANT ?? service)), meter, config.GATEWAY_ADDR),
    runner,
    // Without the lock store analyses are refused (LOCK_UNAVAILABLE=fail), so it is part of readiness;
    // the metrics store is not: its outage delays rows, it does not fail analyses.
    readiness: async (signal: AbortSignal) => (await allReady(probes, signal)) && (await guard.lockReady().then(() => true, () => false)),
    close: async () => {
      for (const p of probes) p.close();
      vectors.channel.close();
      gateway.channel.close();
      await guard.close();
      await store.close();
    },
  };
}
