// OpenTelemetry: traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, metrics on /metrics.
import { createServer } from "node:http";
import { metrics, type Meter } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";

export interface TelemetryOptions {
  serviceName: string;
  /** Port of the Prometheus /metrics endpoint; 0 picks a free one. */
  metricsPort: number;
  metricsHost?: string;
  /** Extra span processors (tests collect spans in memory). */
  spanProcessors?: SpanProcessor[];
  otlpEndpoint?: string | undefined;
}

export interface Telemetry {
  meter: Meter;
  /** The port /metrics listens on. */
  metricsPort: number;
  shutdown(): Promise<void>;
}

/** Starts the SDK; call it first in main.ts, before the app builds anything that traces. */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const spanProcessors = [...(options.spanProcessors ?? [])];
  if (options.otlpEndpoint) {
    spanProcessors.push(
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/+$/, "")}/v1/traces` }), {
        scheduledDelayMillis: 500,
      }),
    );
  }
  // Our own HTTP server around the exporter's handler, so port 0 (tests) and the host work.
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors,
    metricReaders: [prometheus],
    instrumentations: [],
  });
  sdk.start();
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url?.split("?")[0] === "/metrics") {
      prometheus.getMetricsRequestHandler(req, res);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found: metrics are served at /metrics\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.metricsPort, options.metricsHost ?? "0.0.0.0", resolve);
  });
  const address = server.address();
  return {
    meter: metrics.getMeter(options.serviceName),
    metricsPort: typeof address === "object" && address ? address.port : options.metricsPort,
    async shutdown() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sdk.shutdown();
    },
  };
}
