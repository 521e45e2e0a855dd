// The gateway's traces and GenAI telemetry. It continues its caller's trace and hands it on to the
// backend: the HTTP request to the simulator carries a W3C traceparent whose parent is the gateway's
// GenAI span, itself a child of the caller's span. A recording proxy between the gateway and the real
// simulator sees the headers. That span, the embeddings span and the gen_ai.server.* histograms
// follow the OpenTelemetry GenAI conventions; health checks and reflection make no spans.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { bucketBoundaries, prometheusSeries, startOtlpReceiver, startRecordingProxy, waitFor, type OtlpReceiver, type ReceivedSpan, type RecordingProxy } from "@reviewlens/testkit";
import * as grpc from "@grpc/grpc-js";
import { GrpcReflection } from "grpc-js-reflection-client";
import { createChannel, createClient, Metadata } from "nice-grpc";
import { HealthDefinition } from "nice-grpc-server-health";
import { llmRequest, startGateway, startSim, type Gateway, type Sim } from "./gateway-harness.js";

let receiver: OtlpReceiver;
let sim: Sim;
let proxy: RecordingProxy;
let gateway: Gateway;
let completedCalls = 0;

before(async () => {
  receiver = await startOtlpReceiver();
  sim = await startSim(["--time-scale", "0.05"]);
  proxy = await startRecordingProxy(sim.url);
  gateway = await startGateway({ GATEWAY_BACKEND_URLS: proxy.url, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "100", GATEWAY_TRUST_TENANT_HEADER: "true" });
});

after(async () => {
  await gateway?.close();
  await proxy?.close();
  await sim?.process.stop();
  await receiver?.close();
});

test("the backend request carries the caller's trace, parented by the gateway's exported span, which names the tenant", async () => {
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const callerSpanId = "00f067aa0ba902b7";
  const metadata = Metadata({ traceparent: `00-${traceId}-${callerSpanId}-01`, "x-tenant": "partner" });
  const response = await gateway.client.complete({ request: llmRequest("트레이스 전파 확인") }, { metadata });
  assert.ok(response.usage!.outputTokens > 0);
  completedCalls++;

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
  assert.equal(parent.attributes["gen_ai.operation.name"], "text_completion", "it is the GenAI span");
  // Today's GenAI conventions: gen_ai.provider.name replaced gen_ai.system (only behind the opt-in).
  assert.equal(parent.attributes["gen_ai.provider.name"], "vllm");
  assert.equal(parent.attributes["gen_ai.system"], undefined);
  assert.equal(parent.kind, 3, "a CLIENT span");
  assert.equal(parent.attributes["reviewlens.tenant"], "partner", "the caller's tenant (x-tenant, trusted here)");
  assert.equal(Number(parent.attributes["gen_ai.usage.input_tokens"]), response.usage!.promptTokens);
  assert.equal(Number(parent.attributes["gen_ai.usage.output_tokens"]), response.usage!.outputTokens);
  assert.deepEqual(parent.attributes["gen_ai.response.finish_reasons"], [response.finishReason]);
  assert.match(String(parent.attributes["gen_ai.response.id"]), /^cmpl-[0-9a-f]+$/, "the backend's completion id");
  const served = ((await (await fetch(`${sim.url}/v1/models`)).json()) as { data: Array<{ id: string }> }).data[0]!.id;
  assert.equal(parent.attributes["gen_ai.response.model"], served);
  assert.equal(parent.attributes["server.address"], "127.0.0.1");
  assert.equal(Number(parent.attributes["server.port"]), Number(new URL(proxy.url).port), "the backend it called (here the proxy)");
  assertUnderCaller(parent, callerSpanId);
});

test("each variant of a CompleteShared call is traced under the span of the caller that asked for it", async () => {
  const traceId = "5cf92f3577b34da6a3ce929d0e0e4737";
  const [callSpan, firstCaller, secondCaller] = ["10f067aa0ba902b7", "20f067aa0ba902b7", "30f067aa0ba902b7"];
  const metadata = Metadata({ traceparent: `00-${traceId}-${callSpan}-01` });
  const variants = [firstCaller, secondCaller].map((span) => ({ maxTokens: 4, traceparent: `00-${traceId}-${span}-01` }));
  const answered: number[] = [];
  for await (const item of gateway.client.completeShared({ request: llmRequest("변형별 트레이스"), variants }, { metadata })) {
    assert.equal(item.outcome?.$case, "response");
    answered.push(item.variant);
  }
  assert.deepEqual(answered.sort(), [0, 1]);
  completedCalls += 2;
  const generations = await waitFor(() => {
    const found = receiver.spans.filter((s) => s.traceId === traceId && s.attributes["gen_ai.operation.name"] === "text_completion");
    return found.length === 2 ? found : undefined;
  }, "both variants' GenAI spans to be exported", 15_000);
  const callers = generations.map((g) => {
    const caller = [firstCaller, secondCaller].find((id) => {
      try {
        assertUnderCaller(g, id);
        return true;
      } catch {
        return false;
      }
    });
    assert.ok(caller, "a variant's span sits under one of the callers' spans");
    return caller;
  });
  assert.deepEqual(callers.sort(), [firstCaller, secondCaller], "each under its own caller, not both under the call's");
});

/** Walks up from `span` to the caller's span: every span on the way was exported, in the same trace. */
function assertUnderCaller(span: ReceivedSpan, callerSpanId: string) {
  for (let hops = 0; span.parentSpanId !== callerSpanId; hops++) {
    assert.ok(hops < 5, "the chain reaches the caller's span within a few hops");
    const up = receiver.spans.find((s) => s.spanId === span.parentSpanId);
    assert.ok(up, `span ${span.parentSpanId} was exported`);
    assert.equal(up.traceId, span.traceId);
    span = up;
  }
}

test("an Embed call is an embeddings CLIENT span in the caller's trace, with the backend, the model it answered with, usage and dimension", async () => {
  const traceId = "5bf92f3577b34da6a3ce929d0e0e4737";
  const callerSpanId = "10f067aa0ba902b8";
  const metadata = Metadata({ traceparent: `00-${traceId}-${callerSpanId}-01` });
  const response = await gateway.client.embed({ texts: ["국물이 진해요", "면발이 쫄깃해요"], model: "" }, { metadata });
  assert.equal(response.embeddings.length, 2);
  const span = await waitFor(() => receiver.spans.find((s) => s.traceId === traceId && s.attributes["gen_ai.operation.name"] === "embeddings"), "the embeddings span", 15_000);
  assert.equal(span.service, "inference-gateway");
  assert.equal(span.kind, 3, "a CLIENT span");
  assert.equal(span.name, "embeddings", "no model named by the caller");
  assert.equal(span.attributes["gen_ai.provider.name"], "vllm");
  assert.equal(span.attributes["gen_ai.system"], undefined, "only behind the opt-in");
  assert.equal(Number(span.attributes["gen_ai.usage.input_tokens"]), response.promptTokens);
  assert.equal(Number(span.attributes["gen_ai.embeddings.dimension.count"]), response.dimension);
  assert.deepEqual(span.attributes["gen_ai.request.encoding_formats"], ["float"]);
  const served = ((await (await fetch(`${sim.url}/v1/embeddings`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ input: "x" }) })).json()) as { model: string }).model;
  assert.equal(span.attributes["gen_ai.response.model"], served);
  assert.equal(span.attributes["server.address"], "127.0.0.1");
  assert.equal(Number(span.attributes["server.port"]), Number(new URL(proxy.url).port));
  assertUnderCaller(span, callerSpanId);
  const duration = series(await metricsText(), "gen_ai_server_request_duration", { gen_ai_operation_name: "embeddings" }).find((s) => s.part === "_count");
  assert.equal(duration?.value, 1, "the call's duration in gen_ai.server.request.duration, as an embeddings operation");
});

test("probes (/health, /metrics) carry no trace: only generations are traced to the backend", async () => {
  const probes = proxy.seen.filter((s) => s.method === "GET" && (s.url === "/health" || s.url === "/metrics"));
  assert.ok(probes.length > 0, "the gateway probed the backend through the proxy");
  assert.ok(probes.every((p) => p.headers["traceparent"] === undefined));
});

// The conventions' ExplicitBucketBoundaries (gen-ai-metrics.md of open-telemetry/semantic-conventions-genai).
const CONVENTION_BUCKETS: Record<string, number[]> = {
  gen_ai_server_time_to_first_token: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
  gen_ai_server_time_per_output_token: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5],
  gen_ai_server_request_duration: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
};

const metricsText = async () => (await fetch(`http://127.0.0.1:${gateway.process.metricsPort}/metrics`)).text();
const series = prometheusSeries;

test("the gen_ai.server.* histograms are on /metrics in seconds, with the conventions' buckets and one count per request", async () => {
  const text = await metricsText();
  for (const [metric, buckets] of Object.entries(CONVENTION_BUCKETS)) {
    const labels = { gen_ai_operation_name: "text_completion", gen_ai_provider_name: "vllm" };
    const found = series(text, metric, labels);
    assert.deepEqual(bucketBoundaries(found), buckets, `${metric}'s bucket boundaries`);
    assert.equal(found.find((s) => s.part === "_count")?.value, completedCalls, `${metric} counted each completed request once`);
  }
  assert.match(text, /gen_ai_server_time_to_first_token(_seconds)?_bucket\{[^}]*\}/);
  assert.doesNotMatch(text, /gen_ai_system=/, "the replaced name only behind OTEL_SEMCONV_STABILITY_OPT_IN");
});

test("a request cancelled mid-generation is timed in gen_ai.server.request.duration with error.type=cancelled", async () => {
  const abort = new AbortController();
  const stream = gateway.client.generate({ request: llmRequest("취소될 요청", {}, { maxTokens: 2000, ignoreEos: true }) }, { signal: abort.signal });
  await assert.rejects(async () => {
    for await (const chunk of stream) if (chunk) abort.abort();
  });
  const cancelled = await waitFor(async () => series(await metricsText(), "gen_ai_server_request_duration", { "error_type": "cancelled" }).find((s) => s.part === "_count" && s.value >= 1), "the cancelled request's duration");
  assert.match(cancelled.labels, /gen_ai_operation_name="text_completion"/);
  const ttft = series(await metricsText(), "gen_ai_server_time_to_first_token").find((s) => s.part === "_count");
  assert.equal(ttft?.value, completedCalls, "a failed request adds no time to first token (successful responses only)");
});

test("health checks and reflection make no spans; their calls are still counted on /metrics", async () => {
  const channel = createChannel(gateway.process.address);
  const health = createClient(HealthDefinition, channel);
  for (let i = 0; i < 3; i++) await health.check({ service: "" });
  channel.close();
  const reflection = new GrpcReflection(gateway.process.address, grpc.credentials.createInsecure());
  assert.ok((await reflection.listServices()).includes("grpc.health.v1.Health"));
  // A traced call after them: once its span is exported, theirs would have been too (spans are exported in the order they end).
  await gateway.client.getStatus({});
  await waitFor(() => receiver.spans.find((s) => s.service === "inference-gateway" && s.name.endsWith("InferenceGatewayService/GetStatus")), "the GetStatus span", 15_000);
  const probes = receiver.spans.filter((s) => /grpc\.health|ServerReflection/.test(s.name));
  assert.deepEqual(probes.map((s) => s.name), []);
  const text = await metricsText();
  assert.match(text, /rpc_server_calls_total\{[^}]*method="\/grpc\.health\.v1\.Health\/Check"[^}]*\} [3-9]/);
  assert.match(text, /rpc_server_calls_total\{[^}]*method="\/grpc\.reflection\.v1alpha\.ServerReflection\/ServerReflectionInfo"/);
});
