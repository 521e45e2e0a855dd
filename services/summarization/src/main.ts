// Composition root of the summarization service.
import { summarization } from "@reviewlens/contracts";
import { allReady, env, grpcDependency, runService, Status, StatusError } from "@reviewlens/runtime";

const notYet = (what: string) => new StatusError(Status.UNIMPLEMENTED, `${what} is not implemented yet`);

await runService({
  name: "summarization",
  defaults: { grpcPort: 50054, metricsPort: 9464 },
  schema: {
    VECTOR_SEARCH_ADDR: env.string("127.0.0.1:50052"),
    GATEWAY_ADDR: env.string("127.0.0.1:50051"),
  },
  async build({ config }) {
    const probes = [grpcDependency("vector-search", config.VECTOR_SEARCH_ADDR), grpcDependency("inference-gateway", config.GATEWAY_ADDR)];
    const implementation: summarization.SummarizationServiceImplementation = {
      summarize: async () => { throw notYet("Summarize"); },
      async *summarizeBatch() {
        throw notYet("SummarizeBatch");
      },
      extractStrengths: async () => { throw notYet("ExtractStrengths"); },
    };
    return {
      services: [{ definition: summarization.SummarizationServiceDefinition, implementation }],
      readiness: (signal) => allReady(probes, signal),
      async close() {
        for (const p of probes) p.close();
      },
    };
  },
});
