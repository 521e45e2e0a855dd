// The gateway continues its caller's trace and hands it on to the backend: the HTTP request to the
// simulator carries a W3C traceparent whose parent is the gateway's GenAI span, itself a child of
// the caller's span. A recording proxy between the gateway and the real simulator sees the headers.
import assert from "node:assert/strict";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { startOtlpReceiver, waitFor, type OtlpReceiver } from "@reviewlens/testkit";
import { Metadata } from "nice-grpc";
import { llmRequest, startGateway, startSim, type Gateway, type Sim } from "./gateway-harness.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** Forwards every request to `target` unchanged (streaming both ways) and remembers its headers. */
async function startRecordingProxy(target: string): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    const upstream = httpRequest(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

let receiver: OtlpReceiver;
let sim: Sim;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let gateway: Gateway;

before(async () => {
  receiver = await startOtlpReceiver();
  sim = await startSim(["--time-scale", "0.05"]);
  proxy = await startRecordingProxy(sim.url);
  gateway = await startGateway({ VLLM_URLS: proxy.url, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "100" });
});

after(async () => {
  await gateway?.close();
  proxy?.server.closeAllConnections();
  await new Promise((resolve) => proxy?.server.close(resolve));
  await sim?.process.stop();
  await receiver?.close();
});

test("the backend request carries the caller's trace, parented by the gateway's exported span", async () => {
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const callerSpanId = "00f067aa0ba902b7";
  const metadata = Metadata({ traceparent: `00-${traceId}-${callerSpanId}-01` });
  const response = await gateway.client.complete({ request: llmRequest("트레이스 전파 확인") }, { metadata });
  assert.ok(response.usage!.outputTokens > 0);

  const generation = proxy.seen.find((s) => s.method === "POST" && /\/v1\/(chat\/)?completions/.test(s.url));
  assert.ok(generation, "the gateway sent the generation through the proxy");
  const header = String(generation.headers["traceparent"] ?? "");
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(header);
  assert.ok(match, `a W3C traceparent reached the backend: ${JSON.stringify(header)}`);
  assert.equal(match[1], traceId, "the caller's trace id, not a new trace");
  assert.notEqual(match[2], callerSpanId, "the gateway's own span sits between the caller and the backend");

  const parent = await waitFor(() => receiver.spans.find((s) => s.spanId === match[2]), "the backend request's parent span to be exported", 15_000);
  assert.equal(parent.service, "inference-gateway");
  assert.equal(parent.traceId, traceId);
  assert.equal(parent.attributes["gen_ai.operation.name"] !== undefined, true, "it is the GenAI span");
  // Walk up to the caller: every span on the way belongs to the gateway and this trace.
  let span = parent;
  for (let hops = 0; span.parentSpanId !== callerSpanId; hops++) {
    assert.ok(hops < 5, "the chain reaches the caller's span within a few hops");
    const up = receiver.spans.find((s) => s.spanId === span.parentSpanId);
    assert.ok(up, `span ${span.parentSpanId} was exported`);
    assert.equal(up.traceId, traceId);
    span = up;
  }
});

test("probes (/health, /metrics) carry no trace: only generations are traced to the backend", async () => {
  const probes = proxy.seen.filter((s) => s.method === "GET" && (s.url === "/health" || s.url === "/metrics"));
  assert.ok(probes.length > 0, "the gateway probed the backend through the proxy");
  assert.ok(probes.every((p) => p.headers["traceparent"] === undefined));
});
