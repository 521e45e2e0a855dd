// The analysis services' GenAI client telemetry around a gateway stand-in (the instrumentation's own
// logic; the gateway side is tested on real processes in services/inference-gateway/test).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { trace } from "@opentelemetry/api";
import { AggregationTemporality, MeterProvider, MetricReader, type HistogramMetricData } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { inference } from "@reviewlens/contracts";
import { genAiConventions } from "@reviewlens/runtime";
import { ClientError, Status } from "nice-grpc-common";
import { withGenAiClientTelemetry } from "./genai-client-telemetry.js";
import type { LlmGateway } from "./llm-gateway.js";

class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush() {}
  protected override async onShutdown() {}
}

const spans = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));

type Embed = (request: inference.EmbedRequest) => Promise<inference.EmbedResponse>;
const embedded: Embed = async (request) => inference.EmbedResponse.fromPartial({ embeddings: request.texts.map(() => ({ values: [0.6, 0.8] })), dimension: 2, promptTokens: 9 });

function setUp(answer: LlmGateway["complete"], env: Record<string, string> = {}, embed: Embed = embedded) {
  const reader = new CollectingReader();
  const meter = new MeterProvider({ readers: [reader] }).getMeter("test");
  const conventions = genAiConventions(env);
  const stub = { complete: answer, embed, getStatus: () => "status kept" };
  const gateway = withGenAiClientTelemetry(stub, meter, "dns:///gateway.reviewlens:50051", conventions);
  const histograms = async () => {
    const { resourceMetrics } = await reader.collect();
    return Object.fromEntries(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m as HistogramMetricData]));
  };
  return { gateway, histograms };
}

const request = inference.CompleteRequest.fromPartial({
  request: { prompt: { $case: "chat", value: { messages: [{ role: "user", content: "리뷰 요약" }] } }, sampling: { maxTokens: 64, temperature: 0 }, jsonSchema: { name: "s", schemaJson: "{}", strict: true } },
});

describe("GenAI client telemetry of the gateway calls", () => {
  it("makes a gen_ai client span and records duration and token usage by the conventions", async () => {
    spans.reset();
    const { gateway, histograms } = setUp(async () =>
      inference.CompleteResponse.fromPartial({ text: "{}", finishReason: "stop", usage: { promptTokens: 120, outputTokens: 7 }, execution: { requestId: "req-1" } }),
    );
    await gateway.complete(request);
    const [span] = spans.getFinishedSpans();
    assert.equal(span?.name, "chat");
    assert.equal(span?.kind, 2, "CLIENT");
    assert.deepEqual(
      { ...span?.attributes },
      {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "reviewlens.inference_gateway",
        "server.address": "gateway.reviewlens",
        "server.port": 50051,
        "gen_ai.request.max_tokens": 64,
        "gen_ai.request.temperature": 0,
        "gen_ai.output.type": "json",
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.response.id": "req-1",
        "gen_ai.usage.input_tokens": 120,
        "gen_ai.usage.output_tokens": 7,
      },
    );
    const m = await histograms();
    assert.equal(m["gen_ai.client.operation.duration"]?.descriptor.unit, "s");
    assert.equal(m["gen_ai.client.operation.duration"]?.dataPoints[0]?.value.count, 1);
    const usage = m["gen_ai.client.token.usage"]!;
    assert.equal(usage.descriptor.unit, "{token}");
    const byType = Object.fromEntries(usage.dataPoints.map((p) => [p.attributes["gen_ai.token.type"] as string, p.value.sum]));
    assert.deepEqual(byType, { input: 120, output: 7 });
    assert.deepEqual(usage.dataPoints[0]?.value.buckets.boundaries, [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]);
    assert.equal(gateway.getStatus(), "status kept", "the client's other methods stay");
  });

  it("makes an embeddings client span with the input tokens and dimension, and records them", async () => {
    spans.reset();
    const { gateway, histograms } = setUp(async () => inference.CompleteResponse.fromPartial({ finishReason: "stop" }));
    const response = await gateway.embed(inference.EmbedRequest.fromPartial({ texts: ["국물", "면발"], model: "hash-384" }));
    assert.equal(response.embeddings.length, 2, "the client's answer, unchanged");
    const [span] = spans.getFinishedSpans();
    assert.equal(span?.name, "embeddings hash-384");
    assert.equal(span?.kind, 2, "CLIENT");
    assert.deepEqual(
      { ...span?.attributes },
      {
        "gen_ai.operation.name": "embeddings",
        "gen_ai.provider.name": "reviewlens.inference_gateway",
        "gen_ai.request.model": "hash-384",
        "server.address": "gateway.reviewlens",
        "server.port": 50051,
        "gen_ai.usage.input_tokens": 9,
        "gen_ai.embeddings.dimension.count": 2,
      },
    );
    const m = await histograms();
    assert.equal(m["gen_ai.client.operation.duration"]?.dataPoints[0]?.attributes["gen_ai.operation.name"], "embeddings");
    assert.deepEqual(
      m["gen_ai.client.token.usage"]?.dataPoints.map((p) => [p.attributes["gen_ai.token.type"] as string, p.value.sum]),
      [["input", 9]],
      "input tokens only: an embedding generates none",
    );
  });

  it("records a failed embedding call with error.type", async () => {
    spans.reset();
    const { gateway } = setUp(
      async () => inference.CompleteResponse.fromPartial({ finishReason: "stop" }),
      {},
      async () => {
        throw new ClientError("/reviewlens.inference.v1.InferenceGatewayService/Embed", Status.UNAVAILABLE, "no backend");
      },
    );
    await assert.rejects(gateway.embed(inference.EmbedRequest.fromPartial({ texts: ["x"] })), ClientError);
    const [span] = spans.getFinishedSpans();
    assert.equal(span?.name, "embeddings");
    assert.equal(span?.attributes["error.type"], "UNAVAILABLE");
    assert.equal(span?.status.code, 2, "ERROR");
  });

  it("records a failed call with error.type and no token usage", async () => {
    spans.reset();
    const { gateway, histograms } = setUp(async () => {
      throw new ClientError("/reviewlens.inference.v1.InferenceGatewayService/Complete", Status.RESOURCE_EXHAUSTED, "queue full");
    });
    await assert.rejects(gateway.complete(request), ClientError);
    const [span] = spans.getFinishedSpans();
    assert.equal(span?.attributes["error.type"], "RESOURCE_EXHAUSTED");
    assert.equal(span?.status.code, 2, "ERROR");
    const m = await histograms();
    assert.equal(m["gen_ai.client.operation.duration"]?.dataPoints[0]?.attributes["error.type"], "RESOURCE_EXHAUSTED");
    assert.equal(m["gen_ai.client.token.usage"]?.dataPoints.length ?? 0, 0);
  });

  it("also emits gen_ai.system with OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai/dup", async () => {
    spans.reset();
    const { gateway } = setUp(async () => inference.CompleteResponse.fromPartial({ finishReason: "stop" }), { OTEL_SEMCONV_STABILITY_OPT_IN: "http,gen_ai/dup" });
    await gateway.complete(request);
    const [span] = spans.getFinishedSpans();
    assert.equal(span?.attributes["gen_ai.system"], "reviewlens.inference_gateway");
    assert.equal(span?.attributes["gen_ai.provider.name"], "reviewlens.inference_gateway");
  });
});
