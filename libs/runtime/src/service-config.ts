// The settings every service shares; each service adds its own schema on top.
import { env } from "./config.js";

export function commonSchema(defaults: { grpcPort: number; metricsPort: number }) {
  return {
    HOST: env.string("0.0.0.0"),
    GRPC_PORT: env.port(defaults.grpcPort),
    METRICS_PORT: env.port(defaults.metricsPort),
    DRAIN_TIMEOUT_MS: env.integer(0, 3_600_000, 10_000),
    READINESS_INTERVAL_MS: env.integer(100, 600_000, 2_000),
    // Larger request messages are refused by gRPC itself (RESOURCE_EXHAUSTED) before any handler runs.
    GRPC_MAX_MESSAGE_BYTES: env.integer(1_024, 2_147_483_647, 16 * 1024 * 1024),
    OTEL_EXPORTER_OTLP_ENDPOINT: env.optional(env.url()),
    TLS_CERT_FILE: env.optional(env.string()),
    TLS_KEY_FILE: env.optional(env.string()),
    TLS_CLIENT_CA_FILE: env.optional(env.string()),
    GRPC_CLIENT_TLS_CA_FILE: env.optional(env.string()),
    GRPC_CLIENT_TLS_CERT_FILE: env.optional(env.string()),
    GRPC_CLIENT_TLS_KEY_FILE: env.optional(env.string()),
    LOG_LEVEL: env.oneOf(["trace", "debug", "info", "warn", "error", "fatal", "silent"], "info"),
  };
}
