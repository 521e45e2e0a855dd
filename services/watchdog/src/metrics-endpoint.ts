// The watchdog's /metrics: an OpenTelemetry meter with the Prometheus exporter, and nothing else.
// Not the runtime's startTelemetry: the full NodeSDK (tracing, gRPC) triples the watchdog's memory and
// the watchdog has no calls to trace.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Meter } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";

export interface MetricsEndpoint {
  meter: Meter;
  port: number;
  close(): Promise<void>;
}

export async function startMetricsEndpoint(options: { host: string; port: number }): Promise<MetricsEndpoint> {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url?.split("?")[0] === "/metrics") exporter.getMetricsRequestHandler(req, res);
    else res.writeHead(404, { "content-type": "text/plain" }).end("not found: metrics are served at /metrics\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  return {
    meter: provider.getMeter("watchdog"),
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await provider.shutdown();
    },
  };
}
