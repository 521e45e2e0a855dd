// What `make up` starts, in start order: each component is a separate process on its default ports.
export interface Component {
  name: string;
  entry: string; // relative to the repository root
  grpcPort?: number;
  metricsPort?: number;
  httpPort?: number;
  env: Record<string, string>;
}

export const components: Component[] = [
  {
    name: "inference-gateway",
    entry: "services/inference-gateway/src/main.ts",
    grpcPort: 50051,
    metricsPort: 9461,
    env: { GRPC_PORT: "50051", METRICS_PORT: "9461" },
  },
  {
    name: "vector-search",
    entry: "services/vector-search/src/main.ts",
    grpcPort: 50052,
    metricsPort: 9462,
    env: { GRPC_PORT: "50052", METRICS_PORT: "9462" },
  },
  {
    name: "sentiment",
    entry: "services/sentiment/src/main.ts",
    grpcPort: 50053,
    metricsPort: 9463,
    env: { GRPC_PORT: "50053", METRICS_PORT: "9463" },
  },
  {
    name: "summarization",
    entry: "services/summarization/src/main.ts",
    grpcPort: 50054,
    metricsPort: 9464,
    env: { GRPC_PORT: "50054", METRICS_PORT: "9464" },
  },
];
