// Runs a service: config, telemetry, logger, gRPC server, readiness loop and graceful shutdown.
import type { Meter } from "@opentelemetry/api";
import type { ApiKeyCheck } from "./api-key.js";
import { readConfig, InvalidConfigError, withFormerNames, type ConfigOf, type FormerNames, type Schema } from "./config.js";
import { GrpcServer, type ServiceRegistration } from "./grpc-server.js";
import { createLogger, type Logger } from "./logger.js";
import { commonSchema } from "./service-config.js";
import { drainOnce, shutdownOnSignal } from "./shutdown-on-signal.js";
import { startTelemetry } from "./telemetry.js";
import { serverCredentials } from "./tls.js";

export interface ServiceContext<S extends Schema> {
  config: ConfigOf<S> & ConfigOf<ReturnType<typeof commonSchema>>;
  logger: Logger;
  meter: Meter;
}

export interface ServiceParts {
  services: ServiceRegistration[];
  /** True when every dependency answers; polled until shutdown. Default: always ready. */
  readiness?: (signal: AbortSignal) => Promise<boolean>;
  /** Callers must send `authorization: Bearer <key>` (health and reflection stay open); unset: open. */
  apiKey?: string | ApiKeyCheck | undefined;
  /** Flush buffers and close connections after the server drained. */
  close?: () => Promise<void>;
}

export interface ServiceDefinitionOptions<S extends Schema> {
  name: string;
  defaults: { grpcPort: number; metricsPort: number };
  schema: S;
  /** Variables renamed (new name -> old name): the old one is still read for one release, with a warning. */
  formerNames?: FormerNames;
  build(ctx: ServiceContext<S>): Promise<ServiceParts>;
}

export interface RunningService {
  grpcPort: number;
  metricsPort: number;
  server: GrpcServer;
  stop(): Promise<void>;
}

/** Starts the service; exits the process with a clear message when the configuration is wrong. */
export async function runService<S extends Schema>(options: ServiceDefinitionOptions<S>): Promise<RunningService> {
  let config: ServiceContext<S>["config"];
  const renamed = withFormerNames(process.env, options.formerNames ?? {});
  try {
    config = readConfig({ ...commonSchema(options.defaults), ...options.schema }, renamed.source);
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      process.stderr.write(`${options.name}: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const telemetry = await startTelemetry({
    serviceName: options.name,
    metricsPort: config.METRICS_PORT,
    metricsHost: config.HOST,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const logger = createLogger(options.name, config.LOG_LEVEL);
  for (const warning of renamed.warnings) logger.warn(warning);
  const parts = await options.build({ config, logger, meter: telemetry.meter });
  const server = new GrpcServer({ logger, meter: telemetry.meter, services: parts.services, apiKey: parts.apiKey, maxReceiveMessageBytes: config.GRPC_MAX_MESSAGE_BYTES });
  const grpcPort = await server.listen(
    config.HOST,
    config.GRPC_PORT,
    serverCredentials({ certFile: config.TLS_CERT_FILE, keyFile: config.TLS_KEY_FILE, clientCaFile: config.TLS_CLIENT_CA_FILE }),
  );

  const readinessAbort = new AbortController();
  const checkReadiness = async () => {
    let ready: boolean;
    try {
      ready = parts.readiness ? await parts.readiness(readinessAbort.signal) : true;
    } catch (error) {
      ready = false;
      logger.debug({ err: error }, "readiness check failed");
    }
    if (!readinessAbort.signal.aborted) server.setReady(ready);
  };
  await checkReadiness();
  const readinessTimer = setInterval(() => void checkReadiness(), config.READINESS_INTERVAL_MS);
  readinessTimer.unref();
  logger.info({ grpcPort, metricsPort: telemetry.metricsPort }, `${options.name} listening on gRPC :${grpcPort}, metrics :${telemetry.metricsPort}/metrics`);

  const drain = drainOnce(logger, {
    fields: { drainTimeoutMs: config.DRAIN_TIMEOUT_MS },
    run: () => {
      readinessAbort.abort();
      clearInterval(readinessTimer);
      return server.drain(config.DRAIN_TIMEOUT_MS);
    },
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await drain();
      await parts.close?.();
      await telemetry.shutdown();
    })());
  shutdownOnSignal(logger, stop);
  return { grpcPort, metricsPort: telemetry.metricsPort, server, stop };
}
