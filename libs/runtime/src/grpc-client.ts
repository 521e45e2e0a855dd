// gRPC client factory: tracing, deadlines, and retries only for methods marked idempotent in proto.
import { createChannel, createClientFactory, type Channel, type Client, type CompatServiceDefinition } from "nice-grpc";
import { deadlineMiddleware } from "nice-grpc-client-middleware-deadline";
import { retryMiddleware } from "nice-grpc-client-middleware-retry";
import { openTelemetryClientMiddleware } from "nice-grpc-opentelemetry";
import { apiKeyClientMiddleware } from "./api-key-auth.js";
import { channelCredentials, clientTlsFromEnv, type ClientTlsFiles } from "./tls.js";

const clientFactory = (apiKey: string | undefined) =>
  createClientFactory().use(openTelemetryClientMiddleware()).use(apiKeyClientMiddleware(apiKey)).use(retryMiddleware).use(deadlineMiddleware);

export interface ClientOptions {
  /** Deadline applied to every call that does not set its own, in milliseconds. */
  defaultDeadlineMs?: number;
  /** TLS files; default: GRPC_CLIENT_TLS_* from the environment (insecure when unset). */
  tls?: ClientTlsFiles;
  /** Sent on every call as `authorization: Bearer <key>` (a server started with an API key). */
  apiKey?: string | undefined;
}

/**
 * A client for `address` (host:port, or dns:///name:port for round robin across replicas).
 * Retries apply only where the method's idempotency_level allows (the retry middleware reads it).
 */
export function createServiceClient<D extends CompatServiceDefinition>(
  definition: D,
  address: string,
  options: ClientOptions = {},
): { client: Client<D>; channel: Channel } {
  const channel = createChannel(address, channelCredentials(options.tls ?? clientTlsFromEnv()), {
    "grpc.service_config": JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
    "grpc.keepalive_time_ms": 30_000,
  });
  const client = clientFactory(options.apiKey).create(definition, channel, {
    "*": {
      ...(options.defaultDeadlineMs ? { deadline: options.defaultDeadlineMs } : {}),
      retryMaxAttempts: 2,
    },
  }) as Client<D>;
  return { client, channel };
}
