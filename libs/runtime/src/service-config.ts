// The settings every service shares; each service adds its own schema on top.
import { env, logLevelField } from "./config.js";

/** Default ports of a gRPC service (docs/configuration.md lists each service's). */
export interface ServicePorts {
  grpcPort: number;
  metricsPort: number;
}

/** TLS of outgoing gRPC calls, read by every client the runtime creates (createServiceClient). */
export const grpcClientTlsSchema = {
  GRPC_CLIENT_TLS_CA_FILE: env.optional(env.string()).describe("TLS for outgoing gRPC calls to other services: the CA that signed their certificates; unset: plaintext"),
  GRPC_CLIENT_TLS_CERT_FILE: env.optional(env.string()).describe("with `GRPC_CLIENT_TLS_CA_FILE`: this client certificate for mTLS"),
  GRPC_CLIENT_TLS_KEY_FILE: env.optional(env.string()).describe("the key of `GRPC_CLIENT_TLS_CERT_FILE`"),
};

/** The root of every embedded store: the metrics store's PGlite and vector-search's LanceDB. */
export const dataDirField = env
  .string(".data")
  .describe("root of the embedded data: PGlite metrics stores under `metrics/<service>`, vector-search's LanceDB tables under `vector-search`");

/** Where callers (the analysis services, the scheduler) reach vector-search. */
export const vectorSearchAddrField = env.string("127.0.0.1:50052").describe("vector-search address (`dns:///name:port` balances across replicas)");

/** The inference gateway's gRPC API key, as its callers (vector-search, the analysis services) send it. */
export const gatewayGrpcApiKeyClientField = env
  .optional(env.string())
  .describe("the gateway's gRPC API key, sent as `authorization: Bearer <key>` with every call to it: the gateway's shared `GATEWAY_GRPC_API_KEY`, or this caller's tenant key (which also names its tenant)");

export function commonSchema(defaults: ServicePorts) {
  return {
    HOST: env.string("0.0.0.0").describe("address to bind gRPC and metrics"),
    GRPC_PORT: env.port(defaults.grpcPort).describe("gRPC port; 0 picks a free one"),
    METRICS_PORT: env.port(defaults.metricsPort).describe("Prometheus `/metrics` port"),
    DRAIN_TIMEOUT_MS: env.integer(0, 3_600_000, 10_000).describe("how long SIGTERM waits for in-flight calls"),
    READINESS_INTERVAL_MS: env.integer(100, 600_000, 2_000).describe("how often dependencies are probed for readiness"),
    GRPC_MAX_MESSAGE_BYTES: env
      .integer(1_024, 2_147_483_647, 16 * 1024 * 1024)
      .describe("largest request message accepted; a larger one is refused with `RESOURCE_EXHAUSTED` by gRPC itself, before any handler runs"),
    OTEL_EXPORTER_OTLP_ENDPOINT: env.optional(env.url()).describe("OTLP/HTTP endpoint for traces (e.g. `http://otel-collector:4318`); unset: no export"),
    TLS_CERT_FILE: env.optional(env.string()).describe("serve gRPC over TLS with this certificate (a file, e.g. from a Kubernetes Secret volume); needs `TLS_KEY_FILE`"),
    TLS_KEY_FILE: env.optional(env.string()).describe("the key of `TLS_CERT_FILE`"),
    TLS_CLIENT_CA_FILE: env.optional(env.string()).describe("with TLS: require client certificates signed by this CA (mTLS)"),
    ...grpcClientTlsSchema,
    LOG_LEVEL: logLevelField("info"),
  };
}
