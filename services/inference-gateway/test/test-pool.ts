// A BackendPool for unit tests: real admission accounting, probes answered in memory.
import type { OpenAiBackend } from "../src/adapters/openai-backend.js";
import type { VllmServerProbe } from "../src/adapters/vllm-server-probe.js";
import { BackendPool } from "../src/backend-pool.js";

/** A pool whose replicas answer their probes as `healthy()` says (no load gauges). */
export function testPool(healthy: () => boolean = () => true, maxNumSeqs = 4) {
  const probe = {
    health: async () => {
      if (!healthy()) throw new Error("connection refused");
    },
    load: async () => undefined,
  } as unknown as VllmServerProbe;
  return new BackendPool({
    capacity: { maxNumSeqs, maxNumBatchedTokens: 1_000 },
    admission: {
      prefillBudgetSteps: 1,
      seqBudgetFraction: 1,
      kvCacheHighWater: 1,
      interactiveHeadroomSteps: 0,
      interactivePrefillBudgetSteps: 1,
      shortPromptTokens: 0,
    },
    probeIntervalMs: 60_000,
    unhealthyAfter: 1,
    connect: () => ({ api: {} as OpenAiBackend, probe }),
  });
}
