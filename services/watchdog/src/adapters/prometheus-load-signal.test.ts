import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { startRecordingServer } from "@reviewlens/testkit";
import { createPrometheusLoadSignal, GATEWAY_LOAD_METRICS, VLLM_LOAD_METRICS } from "./prometheus-load-signal.js";

const signal = () => new AbortController().signal;

describe("Prometheus load signal", () => {
  it("reads a vLLM replica's page, summing series over models and finish reasons", async () => {
    const vllm = await startRecordingServer(() => ({
      status: 200,
      body: [
        "# HELP vllm:num_requests_running Number of requests in model execution batches.",
        "# TYPE vllm:num_requests_running gauge",
        'vllm:num_requests_running{engine="0",model_name="Qwen/Qwen2.5-7B-Instruct"} 3.0',
        "# TYPE vllm:num_requests_waiting gauge",
        'vllm:num_requests_waiting{engine="0",model_name="Qwen/Qwen2.5-7B-Instruct"} 1.0',
        "# TYPE vllm:request_success_total counter",
        'vllm:request_success_total{engine="0",finished_reason="stop",model_name="Qwen/Qwen2.5-7B-Instruct"} 10.0',
        'vllm:request_success_total{engine="0",finished_reason="length",model_name="Qwen/Qwen2.5-7B-Instruct"} 2.0',
        "",
      ].join("\n"),
    }));
    after(() => vllm.close());
    const reading = await createPrometheusLoadSignal(`${vllm.url}/metrics`, VLLM_LOAD_METRICS, 2_000).read(signal());
    assert.deepEqual(reading, { known: true, value: { inFlight: 3, queued: 1, requestsTotal: 12 } });
  });

  it("reads what the OpenTelemetry Prometheus exporter (the gateway's) writes, counters with _total", async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ readers: [exporter] });
    const meter = provider.getMeter("gateway");
    const depth = meter.createUpDownCounter("gateway_queue_depth");
    meter.createUpDownCounter("gateway_requests_in_flight").add(2);
    const requests = meter.createCounter("gateway_requests");
    depth.add(4, { priority: "batch" });
    depth.add(1, { priority: "interactive" });
    requests.add(5, { priority: "standard", outcome: "completed" });
    requests.add(1, { priority: "batch", outcome: "failed" });
    meter.createObservableGauge("gateway_cold_pool_queued_requests").addCallback((r) => r.observe(3));
    const server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    after(async () => {
      await new Promise((resolve) => server.close(resolve));
      await provider.shutdown();
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const reading = await createPrometheusLoadSignal(url, GATEWAY_LOAD_METRICS, 2_000).read(signal());
    assert.deepEqual(reading, { known: true, value: { inFlight: 2, queued: 5, requestsTotal: 6, heldForWake: 3 } });
  });

  it("takes an absent request counter (and an older gateway's absent wake signal) as none yet, but an absent gauge as unknown", async () => {
    const page = await startRecordingServer(() => ({ status: 200, body: "gateway_requests_in_flight 0\ngateway_queue_depth 0\n" }));
    after(() => page.close());
    assert.deepEqual(await createPrometheusLoadSignal(page.url, GATEWAY_LOAD_METRICS, 2_000).read(signal()), {
      known: true,
      value: { inFlight: 0, queued: 0, requestsTotal: 0, heldForWake: 0 },
    });
    page.respondWith(() => ({ status: 200, body: "gateway_requests_in_flight 0\n" }));
    const reading = await createPrometheusLoadSignal(page.url, GATEWAY_LOAD_METRICS, 2_000).read(signal());
    assert.equal(reading.known, false);
    assert.match(!reading.known ? reading.reason : "", /gateway_queue_depth/);
  });

  it("is unknown on an error status, an HTML error page, a refused connection and a timeout", async () => {
    const page = await startRecordingServer(() => ({ status: 503, body: "unavailable" }));
    after(() => page.close());
    const read = (url: string, timeoutMs = 2_000) => createPrometheusLoadSignal(url, VLLM_LOAD_METRICS, timeoutMs).read(signal());
    assert.equal((await read(page.url)).known, false);
    page.respondWith(() => ({ status: 200, body: "<html><body>502 Bad Gateway</body></html>", contentType: "text/html" }));
    assert.equal((await read(page.url)).known, false);
    assert.equal((await read("http://127.0.0.1:9/metrics")).known, false);
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    after(() => {
      silent.closeAllConnections();
      silent.close();
    });
    assert.equal((await read(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/metrics`, 150)).known, false);
  });
});
