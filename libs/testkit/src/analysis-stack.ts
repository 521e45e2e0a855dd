// The analysis path as real processes on loopback: vllm-sim -> gateway -> vector-search ->
// sentiment and summarization, on free ports with a fresh data directory (tests and benchmarks).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vectorsearch } from "@reviewlens/contracts";
import { toUploadReview, type ReviewRecord } from "@reviewlens/demo-data";
import { createChannel, createClient } from "nice-grpc";
import { startRecordingProxy, type RecordingProxy } from "./recording-proxy.js";
import { startServiceProcess, type ServiceProcess } from "./service-process.js";

export interface AnalysisStack {
  /** The first simulator replica. */
  sim: ServiceProcess;
  simUrl: string;
  /** Every simulator replica behind the gateway (one unless simReplicas says more). */
  sims: Array<{ process: ServiceProcess; url: string }>;
  /** With `recordBackend`: the proxy in front of each replica (the gateway calls these), the first's here. */
  backend: RecordingProxy | undefined;
  backends: RecordingProxy[];
  gateway: ServiceProcess;
  vectorSearch: ServiceProcess;
  sentiment: ServiceProcess;
  summarization: ServiceProcess;
  dataDir: string;
  stop(): Promise<void>;
}

export interface AnalysisStackOptions {
  /** vllm-sim flags, e.g. ["--time-scale", "0.01", "--profile", "qwen2.5-7b-h100"]. */
  simArgs?: string[];
  /** Simulator replicas behind the gateway (default 1), each with simArgs. */
  simReplicas?: number;
  /** A backend started (and stopped) elsewhere, e.g. by the watchdog: the stack starts no simulator. */
  simUrl?: string;
  /** Added to every service's environment. */
  env?: Record<string, string>;
  /** Added to the analysis services' environment only. */
  analysisEnv?: Record<string, string>;
  /** Added to the gateway's environment only. */
  gatewayEnv?: Record<string, string>;
  /** A recording proxy in front of each replica: the requests the simulators received. */
  recordBackend?: boolean;
}

/** A stack in front of a backend that runs elsewhere (`simUrl`): no simulator of its own. */
export type ExternalBackendStack = Omit<AnalysisStack, "sim"> & { sim: undefined };

export function startAnalysisStack(options: AnalysisStackOptions & { simUrl: string }): Promise<ExternalBackendStack>;
export function startAnalysisStack(options?: AnalysisStackOptions & { simUrl?: undefined }): Promise<AnalysisStack>;
export async function startAnalysisStack(options: AnalysisStackOptions = {}): Promise<AnalysisStack | ExternalBackendStack> {
  const dataDir = await mkdtemp(join(tmpdir(), "reviewlens-analyses-"));
  const started: ServiceProcess[] = [];
  const backends: RecordingProxy[] = [];
  const start = async (entry: string, env: Record<string, string>, extra: Partial<Parameters<typeof startServiceProcess>[0]> = {}) => {
    // Generous start-up time: the machine is shared and loading the tokenizer takes seconds.
    const p = await startServiceProcess({ entry, env: { DATA_DIR: dataDir, READINESS_INTERVAL_MS: "200", ...options.env, ...env }, timeoutMs: 120_000, ...extra });
    started.push(p);
    return p;
  };
  try {
    const startSim = async () => {
      const process = await start("services/vllm-sim/src/main.ts", {}, { args: ["--port", "0", ...(options.simArgs ?? [])], readyWhen: (l) => typeof l["port"] === "number" });
      return { process, url: `http://127.0.0.1:${Number(process.logs.find((l) => typeof l["port"] === "number")!["port"])}` };
    };
    const sims = options.simUrl ? [] : await Promise.all(Array.from({ length: options.simReplicas ?? 1 }, startSim));
    const [sim, simUrl] = [sims[0]?.process, options.simUrl ?? sims[0]!.url];
    if (options.recordBackend) for (const s of sims) backends.push(await startRecordingProxy(s.url));
    const backendUrls = options.simUrl ? [options.simUrl] : options.recordBackend ? backends.map((b) => b.url) : sims.map((s) => s.url);
    const gateway = await start("services/inference-gateway/src/main.ts", { GATEWAY_BACKEND_URLS: backendUrls.join(","), GATEWAY_HTTP_PORT: "0", ...options.gatewayEnv });
    const vectorSearch = await start("services/vector-search/src/main.ts", { GATEWAY_ADDR: gateway.address, VECTOR_SEARCH_QUERY_EXPANSION: "false" });
    const peers = { GATEWAY_ADDR: gateway.address, VECTOR_SEARCH_ADDR: vectorSearch.address, ...options.analysisEnv };
    const [sentiment, summarization] = await Promise.all([start("services/sentiment/src/main.ts", peers), start("services/summarization/src/main.ts", peers)]);
    return {
      sim,
      simUrl,
      sims,
      backend: backends[0],
      backends,
      gateway,
      vectorSearch,
      sentiment,
      summarization,
      dataDir,
      async stop() {
        await Promise.all([sentiment.stop(), summarization.stop()]);
        await vectorSearch.stop();
        await gateway.stop();
        for (const b of backends) await b.close();
        await Promise.all(sims.map((s) => s.process.stop()));
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(started.map((p) => p.stop()));
    for (const b of backends) await b.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** A review as the demo generator and review files spell it (snake_case). */
export type ReviewRecordLike = ReviewRecord;

/** Streams reviews into vector-search through UploadReviews, in chunks; returns its answer. */
export async function uploadReviewRecords(vectorSearchAddress: string, records: readonly ReviewRecordLike[], chunk = 200) {
  const channel = createChannel(vectorSearchAddress);
  const client = createClient(vectorsearch.VectorSearchServiceDefinition, channel);
  async function* chunks() {
    for (let i = 0; i < records.length; i += chunk) {
      yield {
        reviews: records.slice(i, i + chunk).map(toUploadReview),
      };
    }
  }
  try {
    return await client.uploadReviews(chunks());
  } finally {
    channel.close();
  }
}
