// One trace links a call from sentiment to vector-search: spans from both processes, one trace ID.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sentiment } from "@reviewlens/contracts";
import { startOtlpReceiver, waitFor, type OtlpReceiver } from "@reviewlens/testkit";
import { createChannel, createClient } from "nice-grpc";
import { startStack, type Stack } from "./stack.js";

describe("distributed tracing", () => {
  let receiver: OtlpReceiver;
  let stack: Stack;
  before(async () => {
    receiver = await startOtlpReceiver();
    stack = await startStack({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  });
  after(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it("exports the sentiment server span, its client span and vector-search's server span in one trace", async () => {
    const channel = createChannel(stack.sentiment.address);
    const client = createClient(sentiment.SentimentServiceDefinition, channel);
    await client.analyzeRestaurant({ restaurantId: "trace-r1" }).catch(() => undefined);
    channel.close();
    const entry = await waitFor(
      () => receiver.spans.find((s) => s.service === "sentiment" && s.name.endsWith("AnalyzeRestaurant") && s.parentSpanId === ""),
      "the sentiment root span",
      15_000,
    );
    const downstream = await waitFor(
      // The restaurant has no reviews: sentiment asks vector-search for its stats, then refuses (NOT_FOUND).
      () => receiver.spans.find((s) => s.service === "vector-search" && s.traceId === entry.traceId && s.name.endsWith("GetRestaurantStats")),
      "vector-search's span in the same trace",
      15_000,
    );
    const clientSpan = receiver.spans.find((s) => s.spanId === downstream.parentSpanId);
    assert.ok(clientSpan, "vector-search's span has a parent that was exported");
    assert.equal(clientSpan.service, "sentiment");
    assert.equal(clientSpan.traceId, entry.traceId);
  });
});
