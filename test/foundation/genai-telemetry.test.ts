// The GenAI telemetry of an analysis, end to end on real processes (vllm-sim, the gateway,
// vector-search, sentiment, summarization) exporting to an OTLP receiver: each call an analysis
// service makes to the gateway is a `gen_ai` CLIENT span (chat, or embeddings for summarization's
// claim clustering) that parents the gateway's own GenAI span, and the services' /metrics carry
// gen_ai.client.operation.duration and gen_ai.client.token.usage with the conventions' buckets, in
// step with what the analyses report. The gateway runs with OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai/dup
// (the analysis services do not): its spans and metrics carry the replaced gen_ai.system too.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { common, sentiment, summarization } from "@reviewlens/contracts";
import { generateDataset } from "@reviewlens/demo-data";
import {
  bucketBoundaries,
  prometheusSeries,
  startAnalysisStack,
  startOtlpReceiver,
  uploadReviewRecords,
  waitFor,
  type AnalysisStack,
  type OtlpReceiver,
  type ReceivedSpan,
} from "@reviewlens/testkit";
import { createChannel, createClient, type Channel } from "nice-grpc";

// The conventions' ExplicitBucketBoundaries (gen-ai-metrics.md of open-telemetry/semantic-conventions-genai).
const OPERATION_DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_USAGE_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const CLIENT_PROVIDER = "reviewlens.inference_gateway";

const { reviews } = generateDataset({ seed: 7, restaurants: 3, reviewsPerRestaurant: 24 });
const interactive = { topK: 12, force: true, priority: common.Priority.PRIORITY_INTERACTIVE };

describe("GenAI client telemetry of the analyses, against the real gateway", () => {
  let receiver: OtlpReceiver;
  let stack: AnalysisStack;
  let channels: Channel[];
  let sentimentClient: sentiment.SentimentServiceClient;
  let summarizationClient: summarization.SummarizationServiceClient;

  before(async () => {
    receiver = await startOtlpReceiver();
    stack = await startAnalysisStack({
      // Grounded answers: the praised claims summarization clusters (through the gateway's Embed) exist.
      simArgs: ["--time-scale", "0.01", "--output", "grounded"],
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "100" },
      gatewayEnv: { OTEL_SEMCONV_STABILITY_OPT_IN: "gen_ai/dup" },
    });
    assert.equal((await uploadReviewRecords(stack.vectorSearch.address, reviews)).upserted, reviews.length);
    channels = [createChannel(stack.sentiment.address), createChannel(stack.summarization.address)];
    sentimentClient = createClient(sentiment.SentimentServiceDefinition, channels[0]!);
    summarizationClient = createClient(summarization.SummarizationServiceDefinition, channels[1]!);
  });
  after(async () => {
    for (const c of channels ?? []) c.close();
    await stack?.stop();
    await receiver?.close();
  });

  const gatewayPort = () => Number(stack.gateway.address.split(":").pop());
  const metricsOf = async (service: { metricsPort: number }) => (await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`)).text();
  /** The analysis' root span (the service's server span of `method`), the newest one. */
  const rootOf = (service: string, method: string) =>
    waitFor(() => receiver.spans.findLast((s) => s.service === service && s.name.endsWith(method) && s.parentSpanId === ""), `${service}'s ${method} span`, 15_000);
  /** The service's gen_ai client spans of `operation` in `traceId`, once `count` of them were exported. */
  const clientSpans = (service: string, traceId: string, operation: string, count: number) =>
    waitFor(() => {
      const found = receiver.spans.filter((s) => s.service === service && s.traceId === traceId && s.attributes["gen_ai.operation.name"] === operation);
      return found.length >= count ? found : undefined;
    }, `${count} ${operation} client spans of ${service}`, 15_000);
  /** The gateway's span of `operation` whose ancestors include `client` (its gRPC client span, the gateway's server span between). */
  const gatewaySpanUnder = (client: ReceivedSpan, operation: string) =>
    waitFor(
      () =>
        receiver.spans.find((s) => {
          if (s.service !== "inference-gateway" || s.attributes["gen_ai.operation.name"] !== operation) return false;
          for (let span: ReceivedSpan | undefined = s, hops = 0; span && hops < 6; hops++) {
            if (span.parentSpanId === client.spanId) return true;
            span = receiver.spans.find((p) => p.spanId === span!.parentSpanId);
          }
          return false;
        }),
      `the gateway's ${operation} span under ${client.service}'s`,
      15_000,
    );
  const sum = (spans: ReceivedSpan[], attribute: string) => spans.reduce((n, s) => n + Number(s.attributes[attribute]), 0);

  it("sentiment: one chat client span per LLM request it reports, its tokens, and under each the gateway's span (gen_ai.system there: opted in)", async () => {
    const { report } = await sentimentClient.analyzeRestaurant({ restaurantId: "r001", options: interactive });
    assert.equal(report!.status, common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED);
    const root = await rootOf("sentiment", "AnalyzeRestaurant");
    const spans = await clientSpans("sentiment", root.traceId, "chat", report!.llmRequests);
    assert.equal(spans.length, report!.llmRequests, "one span per request, no more");
    for (const span of spans) {
      assert.equal(span.kind, 3, "a CLIENT span");
      assert.equal(span.name, "chat", "the analyses name no model: the gateway's backend serves its own");
      assert.equal(span.attributes["gen_ai.provider.name"], CLIENT_PROVIDER);
      assert.equal(span.attributes["gen_ai.system"], undefined, "sentiment is not opted in");
      assert.equal(span.attributes["gen_ai.output.type"], "json");
      assert.equal(span.attributes["server.address"], "127.0.0.1");
      assert.equal(Number(span.attributes["server.port"]), gatewayPort());
      assert.equal((span.attributes["gen_ai.response.finish_reasons"] as string[]).length, 1);
    }
    assert.equal(sum(spans, "gen_ai.usage.input_tokens"), report!.usage!.promptTokens);
    assert.equal(sum(spans, "gen_ai.usage.output_tokens"), report!.usage!.outputTokens);

    const gatewaySide = await gatewaySpanUnder(spans[0]!, "chat");
    assert.equal(gatewaySide.attributes["gen_ai.provider.name"], "vllm");
    assert.equal(gatewaySide.attributes["gen_ai.system"], "vllm", "the gateway is opted in: the replaced name too");
    assert.equal(gatewaySide.attributes["gen_ai.usage.input_tokens"], spans[0]!.attributes["gen_ai.usage.input_tokens"], "the same request seen from both sides");

    // /metrics: the same calls, with the conventions' buckets.
    const text = await metricsOf(stack.sentiment);
    const labels = { gen_ai_operation_name: "chat", gen_ai_provider_name: CLIENT_PROVIDER };
    const duration = prometheusSeries(text, "gen_ai_client_operation_duration", labels);
    assert.deepEqual(bucketBoundaries(duration), OPERATION_DURATION_BUCKETS);
    assert.equal(duration.find((s) => s.part === "_count")?.value, report!.llmRequests);
    for (const [type, tokens] of [["input", report!.usage!.promptTokens], ["output", report!.usage!.outputTokens]] as const) {
      const usage = prometheusSeries(text, "gen_ai_client_token_usage", { ...labels, gen_ai_token_type: type });
      assert.deepEqual(bucketBoundaries(usage), TOKEN_USAGE_BUCKETS, `${type} token usage buckets`);
      assert.equal(usage.find((s) => s.part === "_sum")?.value, tokens, `${type} tokens as the report counts them`);
      assert.equal(usage.find((s) => s.part === "_count")?.value, report!.llmRequests);
    }
    assert.doesNotMatch(text, /gen_ai_system=/);
  });

  it("summarization: its Embed calls are embeddings client spans over the gateway's embeddings spans, and its chats are measured too", async () => {
    const { report } = await summarizationClient.extractStrengths({ restaurantId: "r002", options: interactive, maxStrengths: 3 });
    assert.equal(report!.status, common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED);
    const stepB = report!.steps.find((s) => s.step.startsWith("B"))!;
    const claims = stepB.itemsOut;
    assert.ok(claims > 0, "claims to cluster");
    const root = await rootOf("summarization", "ExtractStrengths");

    // Claims are embedded as each review's answer arrives: one Embed call per review that gave new
    // claims (and one in step C for any left), each call measured once on /metrics.
    const text = await metricsOf(stack.summarization);
    const embeddingLabels = { gen_ai_operation_name: "embeddings", gen_ai_provider_name: CLIENT_PROVIDER };
    const duration = prometheusSeries(text, "gen_ai_client_operation_duration", embeddingLabels);
    assert.deepEqual(bucketBoundaries(duration), OPERATION_DURATION_BUCKETS);
    const calls = duration.find((s) => s.part === "_count")!.value;
    assert.ok(calls >= 1 && calls <= stepB.itemsIn + 1, `${calls} Embed calls for ${stepB.itemsIn} reviews`);
    const embeddings = await clientSpans("summarization", root.traceId, "embeddings", calls);
    assert.equal(embeddings.length, calls);
    let inputs = 0;
    for (const embedding of embeddings) {
      assert.equal(embedding.kind, 3);
      assert.equal(embedding.attributes["gen_ai.provider.name"], CLIENT_PROVIDER);
      assert.equal(Number(embedding.attributes["gen_ai.embeddings.dimension.count"]), 384);
      assert.equal(Number(embedding.attributes["server.port"]), gatewayPort());
      const gatewaySide = await gatewaySpanUnder(embedding, "embeddings");
      assert.equal(gatewaySide.attributes["gen_ai.provider.name"], "vllm");
      assert.equal(gatewaySide.attributes["gen_ai.system"], "vllm");
      assert.equal(Number(gatewaySide.attributes["gen_ai.usage.input_tokens"]), Number(embedding.attributes["gen_ai.usage.input_tokens"]), "the gateway's count, passed back to the caller");
      inputs += Number(gatewaySide.attributes["reviewlens.gateway.embedding_inputs"]);
    }
    // Each distinct claim text once: at most one text per claim (claims repeat across reviews).
    assert.ok(inputs >= 1 && inputs <= claims, `${inputs} texts embedded for ${claims} claims`);
    const inputTokens = sum(embeddings, "gen_ai.usage.input_tokens");
    assert.ok(inputTokens >= inputs, `${inputTokens} tokens for ${inputs} texts`);

    const chats = await clientSpans("summarization", root.traceId, "chat", report!.llmRequests);
    assert.equal(sum(chats, "gen_ai.usage.input_tokens"), report!.usage!.promptTokens);

    const usage = prometheusSeries(text, "gen_ai_client_token_usage", { ...embeddingLabels, gen_ai_token_type: "input" });
    assert.equal(usage.find((s) => s.part === "_sum")?.value, inputTokens);
    assert.deepEqual(prometheusSeries(text, "gen_ai_client_token_usage", { ...embeddingLabels, gen_ai_token_type: "output" }), [], "an embedding generates no tokens");
    const chatCount = prometheusSeries(text, "gen_ai_client_operation_duration", { gen_ai_operation_name: "chat" }).find((s) => s.part === "_count");
    assert.equal(chatCount?.value, report!.llmRequests);
  });

  it("the gateway, opted in, labels its gen_ai.server.* metrics with gen_ai.system too", async () => {
    const text = await metricsOf(stack.gateway);
    for (const operation of ["chat", "embeddings"]) {
      const count = prometheusSeries(text, "gen_ai_server_request_duration", { gen_ai_operation_name: operation, gen_ai_provider_name: "vllm", gen_ai_system: "vllm" }).find((s) => s.part === "_count");
      assert.ok(count && count.value >= 1, `${operation}: ${JSON.stringify(count)}`);
    }
  });
});
