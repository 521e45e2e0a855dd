// The Vercel AI SDK (`ai` 6 with `@ai-sdk/openai-compatible`) against the facade, each call compared
// with the same call made straight to vllm-sim: models, completions and chat (whole and streamed
// with usage), structured output through `Output.object`, embeddings, errors, cancellation and the
// example shown in docs/components/inference-gateway.md.
//
// The AI SDK has no API that lists a server's models: a provider is given a model id
// (`chatModel(id)`), and the one listing function, `@ai-sdk/gateway`'s `getAvailableModels`, reads
// Vercel's AI Gateway, not an OpenAI-compatible `/v1/models`. So the list is read with fetch (with
// the header the provider sends) and the id it gives is the one the provider is then used with.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, NoObjectGeneratedError, Output, embed, embedMany, generateText, streamText } from "ai";
import { z } from "zod";
import { API_KEY, MODEL, assertBackendStopped, assertSameAnswer, backendCounts, facadeUrl, runReadmeExample, whileGatewayFull, simUrl, useFacadeStack } from "./facade-client-stack.js";

const stack = useFacadeStack("gateway_facade_ai_sdk");
// `includeUsage` asks for usage on streams; `supportsStructuredOutputs` sends the JSON schema
// (without it the provider asks for plain json_object and the schema never reaches the model).
const provider = (baseURL: string, apiKey: string) => createOpenAICompatible({ name: "reviewlens", baseURL, apiKey, includeUsage: true, supportsStructuredOutputs: true });
const facade = () => provider(facadeUrl(stack), API_KEY);
const direct = () => provider(simUrl(stack), "EMPTY");
type Provider = ReturnType<typeof provider>;
/** The same call through the facade and straight to the simulator, at the same time. */
const onBoth = <T>(call: (p: Provider) => Promise<T>) => Promise.all([call(facade()), call(direct())]);

test("models: the facade lists what the simulator serves, and the provider answers with the listed id", async () => {
  const list = async (baseURL: string, apiKey: string) => ((await (await fetch(`${baseURL}/models`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);
  const listed = await list(facadeUrl(stack), API_KEY);
  assert.deepEqual(listed, await list(simUrl(stack), "EMPTY"));
  const answer = await generateText({ model: facade().chatModel(listed[0]!), prompt: "hi", maxOutputTokens: 2, maxRetries: 0 });
  assert.equal(answer.response.modelId, listed[0]);
});

test("generateText on chat and completion models gives the simulator's text, finish reason, usage and body", async () => {
  for (const model of [(p: Provider) => p.chatModel(MODEL), (p: Provider) => p.completionModel(MODEL)]) {
    const [viaFacade, viaSim] = await onBoth((p) => generateText({ model: model(p), prompt: "맛집 추천해 주세요", maxOutputTokens: 16, temperature: 0, maxRetries: 0 }));
    assert.ok(viaFacade.text.length > 0);
    assert.equal(viaFacade.usage.outputTokens, 16);
    // `usage.raw` is the wire object, compared with the bodies below.
    // Cached prompt tokens depend on which of the two concurrent calls reached the prefix cache first.
    const seen = (r: typeof viaFacade) => [r.text, r.finishReason, { ...r.usage, raw: undefined, inputTokenDetails: undefined, cachedInputTokens: undefined }];
    assert.deepEqual(seen(viaFacade), seen(viaSim));
    assertSameAnswer(viaFacade.response.body, viaSim.response.body);
  }
});

test("streamText with includeUsage streams the simulator's text and ends with its usage", async () => {
  for (const model of [(p: Provider) => p.chatModel(MODEL), (p: Provider) => p.completionModel(MODEL)]) {
    const [viaFacade, viaSim] = await onBoth(async (p) => {
      const result = streamText({ model: model(p), prompt: "Tell me about kimchi", maxOutputTokens: 20, seed: 5, maxRetries: 0 });
      let text = "";
      for await (const delta of result.textStream) text += delta;
      return { text, finishReason: await result.finishReason, usage: { ...(await result.usage), raw: undefined, inputTokenDetails: undefined, cachedInputTokens: undefined } };
    });
    assert.equal(viaFacade.usage.outputTokens, 20);
    assert.ok((viaFacade.usage.inputTokens ?? 0) > 0, JSON.stringify(viaFacade.usage));
    assert.deepEqual(viaFacade, viaSim);
  }
});

test("structured output through Output.object gives the simulator's object", async () => {
  const schema = z.object({ label: z.enum(["positive", "negative", "mixed"]), score: z.number().int().min(1).max(5), dishes: z.array(z.string()) });
  const [viaFacade, viaSim] = await onBoth((p) =>
    generateText({ model: p.chatModel(MODEL), output: Output.object({ schema, name: "verdict" }), prompt: "Classify: 국물이 진하고 맛있어요", maxOutputTokens: 200, seed: 9, maxRetries: 0 }),
  );
  assert.ok(["positive", "negative", "mixed"].includes(viaFacade.output.label));
  assert.deepEqual(viaFacade.output, viaSim.output);
});

test("without supportsStructuredOutputs the provider asks for json_object, which the facade honours as the simulator does", async () => {
  const plain = (baseURL: string, apiKey: string) => createOpenAICompatible({ name: "reviewlens", baseURL, apiKey });
  const schema = z.object({ label: z.string() });
  const call = (p: Provider) => generateText({ model: p.chatModel(MODEL), output: Output.object({ schema }), prompt: "Answer in JSON with a label", maxOutputTokens: 100, seed: 2, maxRetries: 0 });
  // json_object promises a JSON object, not the schema's: the text is what is compared.
  const text = (p: Provider) => call(p).then((r) => r.text, (e: unknown) => (NoObjectGeneratedError.isInstance(e) ? e.text : e));
  const [viaFacade, viaSim] = await Promise.all([text(plain(facadeUrl(stack), API_KEY)), text(plain(simUrl(stack), "EMPTY"))]);
  assert.equal(typeof viaFacade, "string", String(viaFacade));
  const parsed: unknown = JSON.parse(viaFacade as string);
  assert.ok(typeof parsed === "object" && parsed !== null && !Array.isArray(parsed));
  assert.equal(viaFacade, viaSim);
});

test("embed and embedMany (float, and dimensions through providerOptions) give the simulator's vectors", async () => {
  const [one, simOne] = await onBoth((p) => embed({ model: p.embeddingModel(MODEL), value: "국물", maxRetries: 0 }));
  assert.equal(one.embedding.length, 384);
  assert.deepEqual([one.embedding, one.usage], [simOne.embedding, simOne.usage]);

  const [many, simMany] = await onBoth((p) => embedMany({ model: p.embeddingModel(MODEL), values: ["국물", "면발"], maxRetries: 0 }));
  assert.deepEqual(many.embeddings, simMany.embeddings);
  assert.deepEqual(many.embeddings[0], one.embedding);

  const [short, simShort] = await onBoth((p) => embed({ model: p.embeddingModel(MODEL), value: "국물", providerOptions: { reviewlens: { dimensions: 32 } }, maxRetries: 0 }));
  assert.equal(short.embedding.length, 32);
  assert.deepEqual(short.embedding, simShort.embedding);
});

const statusOf = (error: unknown) => (APICallError.isInstance(error) ? error.statusCode : `not an APICallError: ${String(error)}`);

test("errors surface as APICallError: wrong key 401, bad body 400, overload 429 marked retryable", async () => {
  const wrongKey = provider(facadeUrl(stack), "wrong");
  const wrong = await generateText({ model: wrongKey.chatModel(MODEL), prompt: "x", maxRetries: 0 }).catch((e: unknown) => e);
  assert.equal(statusOf(wrong), 401);

  // top_p above 1: both refuse it.
  const [bad, simBad] = await onBoth((p) => generateText({ model: p.chatModel(MODEL), prompt: "x", topP: 5, maxRetries: 0 }).catch((e: unknown) => e));
  assert.equal(statusOf(bad), 400);
  assert.equal(statusOf(simBad), 400);

  const overloaded = await whileGatewayFull(stack, () => generateText({ model: facade().chatModel(MODEL), prompt: "one more", maxOutputTokens: 4, maxRetries: 0 }).catch((e: unknown) => e));
  assert.equal(statusOf(overloaded), 429);
  assert.equal((overloaded as APICallError).isRetryable, true);
});

test("aborting streamText stops the simulator's work on it", async () => {
  const before = await backendCounts(stack);
  const controller = new AbortController();
  const maxTokens = 20_000;
  const result = streamText({
    model: facade().chatModel(MODEL),
    prompt: "a very long story",
    maxOutputTokens: maxTokens,
    providerOptions: { reviewlens: { ignore_eos: true } },
    abortSignal: controller.signal,
    maxRetries: 0,
  });
  let deltas = 0;
  let aborted = false;
  for await (const part of result.fullStream) {
    if (part.type === "text-delta" && ++deltas === 3) controller.abort();
    if (part.type === "abort") aborted = true;
  }
  assert.ok(aborted, "the stream ends with an abort part");
  await assertBackendStopped(stack, before, maxTokens);
});

test("the gateway page's AI SDK example runs against the facade: a stream with usage, an Output.object, an embedding", async () => {
  const out = await runReadmeExample(stack, "ai-sdk-client.ts");
  assert.match(out, /\nusage: [1-9]\d* prompt \(\d+ cached\), [1-9]\d* output\n/);
  assert.match(out, /^label: (positive|negative)$/m);
  assert.match(out, /^embedding: 384 numbers$/m);
});
