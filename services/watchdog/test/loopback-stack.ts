// What the watchdog watches in the end-to-end test and the benchmark: a real vLLM simulator behind the
// real inference gateway on loopback, and a load generator that keeps requests going until stopped.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, startServiceProcess, type ServiceProcess, type TestDatabase } from "@reviewlens/testkit";

/** Generous: the whole suite runs on two shared cores. */
const START_TIMEOUT_MS = 90_000;

export interface Stack {
  readonly model: string;
  /** The watchdog flags that point it at this stack's metrics. */
  readonly watchdogArgs: string[];
  /** Where load goes: an OpenAI-compatible /v1/completions. */
  readonly completionsUrl: string;
  stop(): Promise<void>;
}

/** The simulator, then the gateway in front of it (its metrics store on the test PostgreSQL when it runs, else embedded). */
export async function startStack(timeScale = 0.01): Promise<Stack> {
  const sim: ServiceProcess = await startServiceProcess({
    entry: "services/vllm-sim/src/main.ts",
    args: ["--port", "0", "--time-scale", String(timeScale)],
    readyWhen: (line) => typeof line["port"] === "number",
    timeoutMs: START_TIMEOUT_MS,
  });
  const simUrl = `http://127.0.0.1:${Number(sim.logs.find((l) => typeof l["port"] === "number")?.["port"])}`;
  const dataDir = await mkdtemp(join(tmpdir(), "watchdog-e2e-"));
  let database: TestDatabase | undefined;
  let gateway: ServiceProcess;
  try {
    // Its own database, so the gateway's vllm_metrics rows never meet another test's.
    database = process.env["TEST_DATABASE_URL"] ? await createTestDatabase("watchdog_e2e") : undefined;
    const store: Record<string, string> = database ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir };
    gateway = await startServiceProcess({
      entry: "services/inference-gateway/src/main.ts",
      env: { GATEWAY_BACKEND_URLS: simUrl, GATEWAY_HTTP_PORT: "0", GATEWAY_PROBE_INTERVAL_MS: "200", ...store },
      timeoutMs: START_TIMEOUT_MS,
    });
  } catch (error) {
    await sim.stop();
    await database?.drop();
    throw error;
  }
  const httpPort = Number(gateway.logs.find((l) => typeof l["httpPort"] === "number")?.["httpPort"]);
  const models = (await (await fetch(`${simUrl}/v1/models`)).json()) as { data: Array<{ id: string }> };
  const model = models.data[0]?.id;
  if (!model) throw new Error("the simulator lists no model");
  return {
    model,
    watchdogArgs: [`--gateway-metrics-url=http://127.0.0.1:${gateway.metricsPort}/metrics`, `--vllm-metrics-url=${simUrl}/metrics`],
    completionsUrl: `http://127.0.0.1:${httpPort}/v1/completions`,
    async stop() {
      await gateway.stop();
      await sim.stop();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Load {
  /** Stops sending, waits for the requests in flight, and returns when the last one finished (Date.now()). */
  stop(): Promise<number>;
  readonly completed: number;
}

/** `concurrency` clients, each sending its next completion as soon as the last one finished. */
export function startLoad(target: Pick<Stack, "completionsUrl" | "model">, concurrency: number, maxTokens = 64): Load {
  let running = true;
  let lastFinishedAt = 0;
  let completed = 0;
  const worker = async () => {
    while (running) {
      const response = await fetch(target.completionsUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: target.model, prompt: "The kimchi stew was rich and the service quick.", max_tokens: maxTokens, ignore_eos: true }),
      });
      await response.text();
      if (!response.ok) throw new Error(`load request answered ${response.status}`);
      completed += 1;
      lastFinishedAt = Date.now();
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    get completed() {
      return completed;
    },
    async stop() {
      running = false;
      await Promise.all(workers);
      return lastFinishedAt;
    },
  };
}
