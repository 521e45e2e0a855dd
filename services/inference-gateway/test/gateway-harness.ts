// Real vllm-sim and gateway processes on loopback ports for the gateway's integration tests.
import { inference, common } from "@reviewlens/contracts";
import { createServiceClient } from "@reviewlens/runtime";
import { after, before } from "node:test";
import { createTestDatabase, prometheusSum, startServiceProcess, waitFor, type ServiceProcess, type TestDatabase } from "@reviewlens/testkit";
import { createChannel, createClient, type Metadata } from "nice-grpc";
import { HealthDefinition } from "nice-grpc-server-health";

// Loading TypeScript and the tokenizer takes seconds, and much longer while the machine is busy.
const STARTUP_TIMEOUT_MS = 120_000;

/** The sum of a Prometheus metric's samples over the label sets that include `labels`. */
const metricSum = async (metricsUrl: string, name: string, labels: Record<string, string> = {}) => prometheusSum(await (await fetch(metricsUrl)).text(), name, labels);

export interface Sim {
  readonly process: ServiceProcess;
  readonly url: string;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
}

export async function startSim(args: string[] = []): Promise<Sim> {
  const proc = await startServiceProcess({
    entry: "services/vllm-sim/src/main.ts",
    args: ["--port", "0", "--host", "127.0.0.1", "--profile", "qwen2.5-7b-h100", ...args],
    readyWhen: (line) => typeof line["port"] === "number",
    timeoutMs: STARTUP_TIMEOUT_MS,
  });
  const port = proc.logs.find((l) => typeof l["port"] === "number")!["port"] as number;
  const url = `http://127.0.0.1:${port}`;
  return {
    process: proc,
    url,
    /** The sum of a metric's samples over the label sets that have `labels` (vLLM's names). */
    metric: (name, labels) => metricSum(`${url}/metrics`, name, labels),
  };
}

export interface Gateway {
  readonly process: ServiceProcess;
  readonly httpUrl: string;
  /** Headers the facade and admin endpoints need (the API key when one is set). */
  readonly httpHeaders: Record<string, string>;
  readonly client: ReturnType<typeof createServiceClient<typeof inference.InferenceGatewayServiceDefinition>>["client"];
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export async function startGateway(env: Record<string, string>, options: { waitHealthy?: boolean } = {}): Promise<Gateway> {
  const proc = await startServiceProcess({
    entry: "services/inference-gateway/src/main.ts",
    env: { GATEWAY_HTTP_PORT: "0", GATEWAY_PROBE_INTERVAL_MS: "100", METRICS_FLUSH_INTERVAL_MS: "50", READINESS_INTERVAL_MS: "100", ...env },
    timeoutMs: STARTUP_TIMEOUT_MS,
  });
  const httpPort = proc.logs.find((l) => typeof l["httpPort"] === "number")!["httpPort"] as number;
  // With GATEWAY_GRPC_API_KEY the client sends it (a call's own authorization metadata wins).
  const { client, channel } = createServiceClient(inference.InferenceGatewayServiceDefinition, proc.address, { apiKey: env["GATEWAY_GRPC_API_KEY"] });
  const metricsUrl = `http://127.0.0.1:${proc.metricsPort}/metrics`;
  const gateway: Gateway = {
    process: proc,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    httpHeaders: env["GATEWAY_API_KEY"] ? { authorization: `Bearer ${env["GATEWAY_API_KEY"]}` } : {},
    client,
    metric: (name, labels) => metricSum(metricsUrl, name, labels),
    async close() {
      channel.close();
      await proc.stop();
    },
  };
  if (options.waitHealthy !== false) {
    await waitFor(async () => (await client.getStatus({})).backends.some((b) => b.healthy) || undefined, "a healthy backend", 20_000);
  }
  return gateway;
}

/** Adds a backend through the admin endpoint; with `replace`, every other backend is drained away. */
export async function setBackends(gateway: Gateway, urls: string[]) {
  const headers = gateway.httpHeaders;
  for (const url of urls) {
    const response = await fetch(`${gateway.httpUrl}/admin/backends`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ url }) });
    if (response.status !== 201) throw new Error(`adding ${url}: ${response.status} ${await response.text()}`);
  }
  const listed = (await (await fetch(`${gateway.httpUrl}/admin/backends`, { headers })).json()) as { backends: Array<{ url: string }> };
  for (const b of listed.backends) {
    if (!urls.includes(b.url)) await fetch(`${gateway.httpUrl}/admin/backends?url=${encodeURIComponent(b.url)}`, { method: "DELETE", headers });
  }
  await waitFor(async () => {
    const status = await gateway.client.getStatus({});
    return urls.every((u) => status.backends.some((b) => b.url === u && b.healthy)) || undefined;
  }, "every backend healthy", 20_000);
}

/**
 * Starts the simulators and the gateway at the same time (each takes seconds to load), then points
 * the gateway at the simulators through the admin endpoint.
 */
export async function startStack(simArgs: string[][], gatewayEnv: Record<string, string>): Promise<{ sims: Sim[]; gateway: Gateway }> {
  const started = await Promise.allSettled([
    // A placeholder backend nobody listens on (port 9, discard): replaced once the simulators are up.
    startGateway({ GATEWAY_BACKEND_URLS: "http://127.0.0.1:9", ...gatewayEnv }, { waitHealthy: false }),
    ...simArgs.map((args) => startSim(args)),
  ]);
  const stopAll = () => Promise.all(started.flatMap((s) => (s.status === "fulfilled" ? ["close" in s.value ? s.value.close() : s.value.process.stop()] : [])));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  const [gateway, ...sims] = started.map((s) => (s as PromiseFulfilledResult<Gateway | Sim>).value) as [Gateway, ...Sim[]];
  try {
    await setBackends(gateway, sims.map((s) => s.url));
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { sims, gateway };
}

/**
 * One simulator and a gateway with its own test database, started before the file's tests and
 * stopped after them. Read `sim` and `gateway` inside tests (they exist once `before` has run).
 */
export function useSingleSimStack(databaseName: string, simArgs: string[], gatewayEnv: Record<string, string>): { readonly sim: Sim; readonly gateway: Gateway } {
  const stack = {} as { sim: Sim; gateway: Gateway; db: TestDatabase };
  before(async () => {
    stack.db = await createTestDatabase(databaseName);
    const started = await startStack([simArgs], { ...gatewayEnv, DATABASE_URL: stack.db.url });
    stack.sim = started.sims[0]!;
    stack.gateway = started.gateway;
  });
  after(async () => {
    await stack.gateway?.close();
    await stack.sim?.process.stop();
    await stack.db?.drop();
  });
  return stack;
}

export function llmRequest(text: string, extra: Partial<inference.LlmRequest> = {}, sampling: Partial<inference.SamplingParams> = {}): inference.LlmRequest {
  return inference.LlmRequest.fromPartial({
    prompt: { $case: "text", value: text },
    sampling: { maxTokens: 4, temperature: 1, ...sampling },
    priority: common.Priority.PRIORITY_STANDARD,
    ...extra,
  });
}

/** Calls Complete and keeps the trailers (grpc-retry-pushback-ms). */
export async function completeWithTrailers(gateway: Gateway, request: inference.LlmRequest, signal?: AbortSignal) {
  let trailer: Metadata | undefined;
  try {
    const response = await gateway.client.complete({ request }, { onTrailer: (t) => (trailer = t), ...(signal ? { signal } : {}) });
    return { response, error: undefined, trailer };
  } catch (error) {
    return { response: undefined, error: error as Error & { code?: number }, trailer };
  }
}

/** A prompt of about `words` words (an English word is one token or so). */
export function words(n: number, seed = "word"): string {
  return Array.from({ length: n }, (_, i) => `${seed}${i % 10}`).join(" ");
}

/** The gateway's overall gRPC health (readiness). */
export async function servingStatus(address: string) {
  const channel = createChannel(address);
  try {
    return (await createClient(HealthDefinition, channel).check({ service: "" })).status;
  } finally {
    channel.close();
  }
}
