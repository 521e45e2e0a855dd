// What `make up` (and `make demo`) start, in start order: one process per component.
export interface Component {
  name: string;
  entry: string; // relative to the repository root
  args?: string[];
  grpcPort?: number;
  metricsPort?: number;
  httpPort?: number;
  env: Record<string, string>;
}

/** Every port of the stack; `make up` uses the defaults, the demo and tests pick free ones. */
export interface StackPorts {
  sim: number;
  gatewayGrpc: number;
  gatewayMetrics: number;
  gatewayHttp: number;
  vectorSearchGrpc: number;
  vectorSearchMetrics: number;
  sentimentGrpc: number;
  sentimentMetrics: number;
  summarizationGrpc: number;
  summarizationMetrics: number;
}

export const defaultPorts: StackPorts = {
  sim: 8000,
  gatewayGrpc: 50051,
  gatewayMetrics: 9461,
  gatewayHttp: 8080,
  vectorSearchGrpc: 50052,
  vectorSearchMetrics: 9462,
  sentimentGrpc: 50053,
  sentimentMetrics: 9463,
  summarizationGrpc: 50054,
  summarizationMetrics: 9464,
};

const grpcService = (name: string, dir: string, grpcPort: number, metricsPort: number, env: Record<string, string> = {}): Component => ({
  name,
  entry: `services/${dir}/src/main.ts`,
  grpcPort,
  metricsPort,
  env: { GRPC_PORT: String(grpcPort), METRICS_PORT: String(metricsPort), ...env },
});

/** The stack wired to itself on the given ports; `env` is added to every component. */
export function stackComponents(ports: StackPorts = defaultPorts, env: Record<string, string> = {}): Component[] {
  const peers = {
    GATEWAY_ADDR: `127.0.0.1:${ports.gatewayGrpc}`,
    VECTOR_SEARCH_ADDR: `127.0.0.1:${ports.vectorSearchGrpc}`,
  };
  const withEnv = (c: Component): Component => ({ ...c, env: { ...env, ...c.env } });
  return [
    // The vLLM simulator in real time (time scale 1), where the gateway's GATEWAY_BACKEND_URLS points by default.
    // Grounded answers (phrases of the prompt's reviews) so a person can read them; load tests start
    // the simulator themselves, in random mode.
    {
      name: "vllm-sim",
      entry: "services/vllm-sim/src/main.ts",
      httpPort: ports.sim,
      env: { VLLM_SIM_PORT: String(ports.sim), VLLM_SIM_HOST: "127.0.0.1", VLLM_SIM_TIME_SCALE: "1", VLLM_SIM_PROFILE: "qwen2.5-7b-h100", VLLM_SIM_OUTPUT: "grounded" },
    },
    grpcService("inference-gateway", "inference-gateway", ports.gatewayGrpc, ports.gatewayMetrics, {
      GATEWAY_HTTP_PORT: String(ports.gatewayHttp),
      GATEWAY_BACKEND_URLS: env["GATEWAY_BACKEND_URLS"] ?? `http://127.0.0.1:${ports.sim}`,
    }),
    grpcService("vector-search", "vector-search", ports.vectorSearchGrpc, ports.vectorSearchMetrics, peers),
    grpcService("sentiment", "sentiment", ports.sentimentGrpc, ports.sentimentMetrics, peers),
    grpcService("summarization", "summarization", ports.summarizationGrpc, ports.summarizationMetrics, peers),
  ].map(withEnv);
}
