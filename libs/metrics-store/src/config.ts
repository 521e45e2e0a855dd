// The store's environment settings, for services to merge into their config schema.
import { env, type ConfigOf, type Logger } from "@reviewlens/runtime";
import type { Meter } from "@opentelemetry/api";
import type { MetricsStoreOptions } from "./metrics-store.js";

export const metricsStoreSchema = {
  /** PostgreSQL; unset: embedded PGlite under DATA_DIR/metrics/<service>. */
  DATABASE_URL: env.optional(env.url()),
  DATA_DIR: env.string(".data"),
  METRICS_BATCH_SIZE: env.integer(1, 10_000, 200),
  METRICS_BUFFER_MAX_ROWS: env.integer(1, 10_000_000, 100_000),
  METRICS_FLUSH_INTERVAL_MS: env.integer(1, 600_000, 1_000),
  METRICS_RETRY_MAX_MS: env.integer(10, 600_000, 10_000),
  METRICS_CLOSE_TIMEOUT_MS: env.integer(0, 600_000, 10_000),
};

export type MetricsStoreConfig = ConfigOf<typeof metricsStoreSchema>;

export function metricsStoreOptions(config: MetricsStoreConfig, logger: Logger, meter?: Meter): MetricsStoreOptions {
  return {
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    logger,
    meter,
    batchSize: config.METRICS_BATCH_SIZE,
    maxBufferedRows: config.METRICS_BUFFER_MAX_ROWS,
    flushIntervalMs: config.METRICS_FLUSH_INTERVAL_MS,
    retryMaxMs: config.METRICS_RETRY_MAX_MS,
    closeTimeoutMs: config.METRICS_CLOSE_TIMEOUT_MS,
  };
}
