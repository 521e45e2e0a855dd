// gRPC server bootstrap: health, reflection, and middleware for tracing, logging, errors and metrics.
import { readFileSync } from "node:fs";
import type { Meter } from "@opentelemetry/api";
import { descriptorSetPath } from "@reviewlens/contracts";
import type { ServerCredentials } from "@grpc/grpc-js";
import { createServer, ServerError, Status, type Server, type ServerMiddleware } from "nice-grpc";
import { openTelemetryServerMiddleware } from "nice-grpc-opentelemetry";
import { HealthDefinition, HealthServiceImpl, HealthState } from "nice-grpc-server-health";
import { ServerReflection, ServerReflectionService } from "nice-grpc-server-reflection";
import type { ApiKeyCheck } from "./api-key.js";
import { apiKeyAuthMiddleware } from "./api-key-auth.js";
import { callLoggingMiddleware } from "./call-logging.js";
import { errorMappingMiddleware } from "./error-mapping.js";
import { healthFileDescriptorSet } from "./health-descriptor.js";
import { isHealthOrReflection } from "./infrastructure-methods.js";
import { malformedRequestMiddleware, withTolerantDecoding } from "./malformed-requests.js";
import type { Logger } from "./logger.js";
import { reflectionFileDescriptorSet } from "./reflection-descriptor.js";
import { rpcMetricsMiddleware } from "./rpc-metrics.js";
import { UNPROCESSED_TRAILER } from "./unprocessed-calls.js";

const ServerReflectionV1AlphaService = {
  serverReflectionInfo: {
    ...ServerReflectionService.serverReflectionInfo,
    path: "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
  },
} as unknown as typeof ServerReflectionService; // only the path differs from v1

// Health checks (readiness probes, every few seconds from every peer) and reflection are not
// traced: as single-span traces they were most of what reached the tracing backend. Their
// rpc_server_* metrics stay.

function tracingExceptProbes(): ServerMiddleware {
  const traced = openTelemetryServerMiddleware();
  return async function* tracing(call, context) {
    if (isHealthOrReflection(call.method.path)) return yield* call.next(call.request, context);
    return yield* traced(call, context);
  };
}

/** The health service name a liveness probe asks for: SERVING while the process runs. */
export const LIVENESS_SERVICE = "liveness";

export interface ServiceRegistration {
  // The ts-proto generic definition of the service; its implementation.
  definition: { fullName: string } & object;
  implementation: object;
}

export interface GrpcServerOptions {
  logger: Logger;
  meter: Meter;
  services: ServiceRegistration[];
  maxReceiveMessageBytes?: number;
  /** Callers must send `authorization: Bearer <key>` (health and reflection stay open); unset: no key. */
  apiKey?: string | ApiKeyCheck | undefined;
}

/**
 * A running gRPC server. Readiness (the overall health status and each service's) starts
 * NOT_SERVING; the composition root marks it ready once dependencies answer.
 */
export class GrpcServer {
  readonly server: Server;
  readonly health = HealthState();
  private draining = false;
  // Ends health Watch streams on drain (they are endless and would hold the drain open).
  private readonly watchersDone = new AbortController();
  private readonly serviceNames: string[];

  constructor(options: GrpcServerOptions) {
    this.serviceNames = options.services.map((s) => s.definition.fullName);
    this.server = createServer({
      "grpc.max_receive_message_length": options.maxReceiveMessageBytes ?? 16 * 1024 * 1024,
    })
      .use(tracingExceptProbes())
      .use(this.drainGuard())
      .use(rpcMetricsMiddleware(options.meter))
      .use(callLoggingMiddleware(options.logger))
      .use(apiKeyAuthMiddleware(options.apiKey))
      .use(errorMappingMiddleware(options.logger))
      .use(malformedRequestMiddleware());
    this.server.add(withTolerantDecoding(HealthDefinition), HealthServiceImpl(this.health));
    const descriptors = Buffer.concat([readFileSync(descriptorSetPath), healthFileDescriptorSet(), reflectionFileDescriptorSet()]);
    const reflection = ServerReflection(descriptors, [
      ...this.serviceNames,
      "grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
    ]);
    this.server.add(withTolerantDecoding(ServerReflectionService), reflection);
    // v1alpha is v1 under another package name (the same messages on the wire); many tools still
    // speak only v1alpha, and grpc-go and grpc-java servers register both.
    this.server.add(withTolerantDecoding(ServerReflectionV1AlphaService), reflection);
    for (const { definition, implementation } of options.services) {
      // The generic definitions and their implementations line up by construction (ts-proto).
      this.server.add(withTolerantDecoding(definition) as never, implementation as never);
    }
    this.health.setStatus("healthy", LIVENESS_SERVICE);
    this.setReady(false);
  }

  /** Binds and returns the port (0 picks a free one). */
  async listen(host: string, port: number, credentials?: ServerCredentials): Promise<number> {
    return this.server.listen(`${host}:${port}`, credentials);
  }

  setReady(ready: boolean): void {
    const status = ready && !this.draining ? "healthy" : "unhealthy";
    this.health.setStatus(status);
    for (const name of this.serviceNames) this.health.setStatus(status, name);
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Turns NOT_SERVING, refuses new calls, waits for in-flight calls up to the timeout. */
  async drain(timeoutMs: number): Promise<"drained" | "timed out"> {
    this.draining = true;
    this.setReady(false);
    // Let watchers receive NOT_SERVING before their streams end.
    setTimeout(() => this.watchersDone.abort(), 100).unref();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timed out">((resolve) => {
      timer = setTimeout(() => resolve("timed out"), timeoutMs);
    });
    const outcome = await Promise.race([this.server.shutdown().then(() => "drained" as const), timeout]);
    clearTimeout(timer);
    if (outcome === "timed out") this.server.forceShutdown();
    return outcome;
  }

  private drainGuard(): ServerMiddleware {
    const isDraining = () => this.draining;
    const watchersDone = this.watchersDone.signal;
    return async function* drainGuard(call, context) {
      const path = call.method.path;
      // grpc-js stops accepting connections on shutdown; this also refuses calls on open ones.
      if (isDraining() && !path.startsWith("/grpc.health")) {
        context.trailer.set(UNPROCESSED_TRAILER, "draining");
        throw new ServerError(Status.UNAVAILABLE, "server is shutting down; retry on another replica");
      }
      if (path === "/grpc.health.v1.Health/Watch") {
        return yield* call.next(call.request, { ...context, signal: AbortSignal.any([context.signal, watchersDone]) });
      }
      return yield* call.next(call.request, context);
    };
  }
}
