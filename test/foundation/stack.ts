// The four services as real processes on free loopback ports, wired to each other.
import { startServiceProcess, type ServiceProcess } from "@reviewlens/testkit";

export interface Stack {
  gateway: ServiceProcess;
  vectorSearch: ServiceProcess;
  sentiment: ServiceProcess;
  summarization: ServiceProcess;
  all: ServiceProcess[];
  stop(): Promise<void>;
}

export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const [gateway, vectorSearch] = await Promise.all([
    startServiceProcess({ entry: "services/inference-gateway/src/main.ts", env }),
    startServiceProcess({ entry: "services/vector-search/src/main.ts", env }),
  ]);
  const deps = { ...env, GATEWAY_ADDR: gateway.address, VECTOR_SEARCH_ADDR: vectorSearch.address, READINESS_INTERVAL_MS: "200" };
  const [sentiment, summarization] = await Promise.all([
    startServiceProcess({ entry: "services/sentiment/src/main.ts", env: deps }),
    startServiceProcess({ entry: "services/summarization/src/main.ts", env: deps }),
  ]);
  const all = [gateway, vectorSearch, sentiment, summarization];
  return {
    gateway,
    vectorSearch,
    sentiment,
    summarization,
    all,
    async stop() {
      await Promise.all(all.map((s) => s.stop()));
    },
  };
}
