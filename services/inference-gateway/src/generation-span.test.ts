import assert from "node:assert/strict";
import { test } from "node:test";
import { context as otelContext, propagation, SpanStatusCode, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { GenerationSpan } from "./generation-span.js";

const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer("test");
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

function started() {
  exporter.reset();
  const parentSpan = tracer.startSpan("caller");
  const parent = trace.setSpan(otelContext.active(), parentSpan);
  return { parentSpan, generation: new GenerationSpan(tracer.startSpan("chat qwen", {}, parent), parent) };
}

test("the backend request carries the generation span's own trace context, under the caller's trace", () => {
  const { parentSpan, generation } = started();
  generation.end({ finishReason: "stop", usage: { promptTokens: 1, outputTokens: 1, cachedPromptTokens: 0 } });
  const span = exporter.getFinishedSpans()[0]!;
  const [, traceId, spanId] = generation.headers["traceparent"]!.split("-");
  assert.equal(traceId, parentSpan.spanContext().traceId);
  assert.equal(spanId, span.spanContext().spanId, "the backend's spans hang under the generation, not under the caller");
});

test("a generation ends with its usage, finish reason and the response's id and model", () => {
  const { generation } = started();
  generation.end({ finishReason: "length", usage: { promptTokens: 120, outputTokens: 64, cachedPromptTokens: 100 }, responseId: "cmpl-1", responseModel: "qwen2.5-7b" });
  const [span] = exporter.getFinishedSpans();
  assert.deepEqual(span!.attributes, {
    "gen_ai.usage.input_tokens": 120,
    "gen_ai.usage.output_tokens": 64,
    "gen_ai.response.finish_reasons": ["length"],
    "gen_ai.response.id": "cmpl-1",
    "gen_ai.response.model": "qwen2.5-7b",
  });
  assert.equal(span!.status.code, SpanStatusCode.UNSET);
});

test("a failed generation ends as an error with the exception recorded; a cancelled one says so", () => {
  const failed = started().generation;
  failed.fail(new Error("backend http://b1 answered 500"), false);
  const [span] = exporter.getFinishedSpans();
  assert.deepEqual(span!.status, { code: SpanStatusCode.ERROR, message: "Error: backend http://b1 answered 500" });
  assert.equal(span!.events[0]?.name, "exception");

  const cancelled = started().generation;
  cancelled.fail(new Error("aborted"), true);
  assert.deepEqual(exporter.getFinishedSpans()[0]!.status, { code: SpanStatusCode.ERROR, message: "cancelled" });
});
