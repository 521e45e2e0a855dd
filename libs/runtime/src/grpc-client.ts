// gRPC client factory: tracing, deadlines, retries for idempotent methods and for calls a draining server refused unprocessed.
import { createChannel, createClientFactory, type Channel, type Client, type CompatServiceDefinition } from "nice-grpc";
import { deadlineMiddleware } from "nice-grpc-client-middleware-deadline";
import { retryMiddleware } from "nice-grpc-client-middleware-retry";
import { openTelemetryClientMiddleware } from "nice-grpc-opentelemetry";
import { apiKeyClientMiddleware } from "./api-key-auth.js";
import { channelCredentials, clientTlsFromEnv, type ClientTlsFiles } from "./tls.js";
import { DEFAULT_UNPROCESSED_RETRY, unprocessedRetryMiddleware, type UnprocessedRetryOptions } from "./unprocessed-calls.js";

/** Per channel: calls that never reached a server wait for (or are resent to) a ready replica. */
const clientFactory = (channel: Channel, unprocessed: UnprocessedRetryOptions, apiKey: string | undefined) =>
  createClientFactory()
    .use(openTelemetryClientMiddleware())
    .use(apiKeyClientMiddleware(apiKey))
    .use(unprocessedRetryMiddleware(channel, unprocessed))
    .use(retryMiddleware)
    .use(deadlineMiddleware);

export interface ClientOptions {
  /** Deadline applied to every call that does not set its own, in milliseconds. */
  defaultDeadlineMs?: number;
  /** TLS files; default: GRPC_CLIENT_TLS_* from the environment (insecure when unset). */
  tls?: ClientTlsFiles;
  /** Waiting for a ready connection and resending calls a draining server refused. */
  unprocessed?: Partial<UnprocessedRetryOptions>;
  /** Sent on every call as `authorization: Bearer <key>` (a server started with an API key). */
  apiKey?: string | undefined;
}

/**
 * A client for `address` (host:port; dns:///name:port or ipv4:host:port,host:port for round robin
 * across replicas). Retries apply where the method's idempotency_level allows (the retry middleware
 * reads it), and to any call a draining server refused before running it (unprocessed-calls.ts).
 */
export function createServiceClient<D extends CompatServiceDefinition>(
  definition: D,
  address: string,
  options: ClientOptions = {},
): { client: Client<D>; channel: Channel } {
  const channel = createChannel(address, channelCredentials(options.tls ?? clientTlsFromEnv()), {
    "grpc.service_config": JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
    "grpc.keepalive_time_ms": 30_000,
    // grpc-js backs off up to 120 s from an address that refused it: a replica started there during a
    // rolling restart would get no traffic for minutes. Try again within 2 s instead.
    "grpc.initial_reconnect_backoff_ms": 250,
    "grpc.max_reconnect_backoff_ms": 2_000,
  });
  const client = clientFactory(channel, { ...DEFAULT_UNPROCESSED_RETRY, ...options.unprocessed }, options.apiKey).create(definition, channel, {
    "*": {
      ...(options.defaultDeadlineMs ? { deadline: options.defaultDeadlineMs } : {}),
      // The budget spans a replica's drain: about 4 s of pauses (250 ms doubling to 2 s, jittered).
      retryMaxAttempts: 4,
      retryBaseDelayMs: 250,
      retryMaxDelayMs: 2_000,
    },
  }) as Client<D>;
  return { client, channel };
}
