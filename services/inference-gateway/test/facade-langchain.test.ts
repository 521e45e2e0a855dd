// LangChain JS (`@langchain/openai` 1.5) against the facade, each call compared with the same call
// made straight to vllm-sim: models, chat and completion models (whole and streamed, with usage where
// LangChain reports it), structured output through `withStructuredOutput`, `OpenAIEmbeddings` (its
// default base64 and explicit float), errors as LangChain stamps them, cancellation, and the
// example shown in docs/components/inference-gateway.md.
//
// LangChain JS has no API that lists a server's models (its model classes take a model name; the
// `listModels` of other integrations does not exist in @langchain/openai): `/v1/models` is covered
// through the openai SDK client LangChain builds and calls through, `ChatOpenAI.client`.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AIMessageChunk, UsageMetadata } from "@langchain/core/messages";
import { ChatOpenAI, OpenAI as OpenAICompletions, OpenAIEmbeddings } from "@langchain/openai";
import { z } from "zod";
import { API_KEY, MODEL, assertBackendStopped, backendCounts, facadeUrl, runReadmeExample, whileGatewayFull, simUrl, useFacadeStack } from "./facade-client-stack.js";

const stack = useFacadeStack("gateway_facade_langchain");
type Target = { baseURL: string; apiKey: string };
const facade = (): Target => ({ baseURL: facadeUrl(stack), apiKey: API_KEY });
const direct = (): Target => ({ baseURL: simUrl(stack), apiKey: "EMPTY" });
/** The same call through the facade and straight to the simulator, at the same time. */
const onBoth = <T>(call: (t: Target) => Promise<T>) => Promise.all([call(facade()), call(direct())]);

const chat = (t: Target, fields: ConstructorParameters<typeof ChatOpenAI>[0] = {}) =>
  new ChatOpenAI({ model: MODEL, apiKey: t.apiKey, configuration: { baseURL: t.baseURL }, maxRetries: 0, maxTokens: 16, temperature: 0, ...fields });
const embeddings = (t: Target, fields: ConstructorParameters<typeof OpenAIEmbeddings>[0] = {}) =>
  new OpenAIEmbeddings({ model: MODEL, apiKey: t.apiKey, configuration: { baseURL: t.baseURL }, maxRetries: 0, ...fields });

// @langchain/core 1.4 types usage_metadata as never under exactOptionalPropertyTypes; it holds UsageMetadata.
const usageOf = (m: { usage_metadata?: unknown } | undefined) => m?.usage_metadata as UsageMetadata | undefined;

const completions = (t: Target, maxTokens = 12) => new OpenAICompletions({ model: MODEL, apiKey: t.apiKey, configuration: { baseURL: t.baseURL }, maxRetries: 0, maxTokens, temperature: 0 });

test("models: the openai client ChatOpenAI builds lists the simulator's model with its context length", async () => {
  const [viaFacade, viaSim] = await onBoth(async (t) => {
    const model = chat(t);
    model._getClientOptions(undefined); // builds `client` from LangChain's own configuration, as a call does
    return (await model.client.models.list()).data.map((m) => [m.id, (m as { max_model_len?: number }).max_model_len]);
  });
  assert.deepEqual(viaFacade, viaSim);
  assert.equal(viaFacade[0]?.[0], MODEL);
});

test("ChatOpenAI.invoke and the completions OpenAI model give the simulator's text, usage and finish reason", async () => {
  const [m1, m2] = await onBoth((t) => chat(t).invoke("맛집 추천해 주세요"));
  assert.ok(m1.text.length > 0);
  assert.equal(usageOf(m1)?.output_tokens, 16);
  // Cached prompt tokens depend on which of the two concurrent calls reached the prefix cache first.
  const seen = (m: typeof m1) => [m.content, { ...usageOf(m), input_token_details: undefined }, m.response_metadata["finish_reason"]];
  assert.deepEqual(seen(m1), seen(m2));

  const [c1, c2] = await onBoth((t) => completions(t).generate(["The best noodle soup in town is"]));
  const text = c1.generations[0]![0]!.text;
  assert.ok(text.length > 0);
  assert.equal(text, c2.generations[0]![0]!.text);
  assert.deepEqual(c1.generations[0]![0]!.generationInfo, c2.generations[0]![0]!.generationInfo, "finish reason");
  // The completions model reports usage in llmOutput.tokenUsage (no cached tokens in it).
  assert.equal((c1.llmOutput?.["tokenUsage"] as { completionTokens?: number } | undefined)?.completionTokens, 12);
  assert.deepEqual(c1.llmOutput, c2.llmOutput);
});

test("the completions OpenAI model streams the simulator's text (LangChain asks no usage on its streams)", async () => {
  const [s1, s2] = await onBoth(async (t) => {
    const chunks: string[] = [];
    for await (const chunk of await completions(t, 20).stream("Tell me about kimchi")) chunks.push(chunk);
    return chunks;
  });
  assert.ok(s1.length > 1, `${s1.length} chunks`);
  assert.equal(s1.join(""), s2.join(""));
  const whole = await completions(facade(), 20).invoke("Tell me about kimchi");
  assert.equal(s1.join(""), whole, "the streamed text is the whole answer");
});

test("ChatOpenAI.stream streams the simulator's text and ends with its usage (streamUsage is on by default)", async () => {
  const [s1, s2] = await onBoth(async (t) => {
    let whole: AIMessageChunk | undefined;
    let chunks = 0;
    for await (const chunk of await chat(t, { maxTokens: 20 }).stream("국물이 진한 곳")) {
      chunks++;
      whole = whole ? whole.concat(chunk) : chunk;
    }
    return { chunks, content: whole?.content, usage: { ...usageOf(whole), input_token_details: undefined }, finishReason: whole?.response_metadata["finish_reason"] };
  });
  assert.ok(s1.chunks > 1);
  assert.equal(s1.usage?.output_tokens, 20);
  assert.deepEqual({ ...s1, chunks: 0 }, { ...s2, chunks: 0 });
});

test("withStructuredOutput (json_schema by default) gives the simulator's object", async () => {
  const Verdict = z.object({ label: z.enum(["positive", "negative", "mixed"]), score: z.number().int().min(1).max(5), dishes: z.array(z.string()) });
  const [o1, o2] = await onBoth((t) => chat(t, { maxTokens: 200 }).withStructuredOutput(Verdict, { name: "verdict" }).invoke("Classify: 국물이 진하고 맛있어요"));
  assert.ok(["positive", "negative", "mixed"].includes(o1.label));
  assert.deepEqual(o1, o2);
});

test("OpenAIEmbeddings: the default (base64 through the SDK), explicit float and dimensions give the simulator's vectors", async () => {
  const [query, simQuery] = await onBoth((t) => embeddings(t).embedQuery("국물"));
  assert.equal(query.length, 384);
  assert.deepEqual(query, simQuery);

  const [floats, simFloats] = await onBoth((t) => embeddings(t, { encodingFormat: "float" }).embedDocuments(["국물", "면발"]));
  assert.deepEqual(floats, simFloats);
  // base64 carries float32: the float list rounded to float32 is the default answer.
  assert.deepEqual(Array.from(Float32Array.from(floats[0]!)), query);

  const [short, simShort] = await onBoth((t) => embeddings(t, { dimensions: 48 }).embedQuery("국물"));
  assert.equal(short.length, 48);
  assert.deepEqual(short, simShort);
});

const fields = (error: unknown) => ({ status: (error as { status?: number }).status, code: (error as { lc_error_code?: string }).lc_error_code });

test("errors carry the HTTP status and LangChain's error codes: wrong key, bad body, overload", async () => {
  const wrong = await chat({ ...facade(), apiKey: "wrong" }).invoke("x").catch((e: unknown) => e);
  assert.deepEqual(fields(wrong), { status: 401, code: "MODEL_AUTHENTICATION" });

  // top_p above 1: both refuse it.
  const [bad, simBad] = await onBoth((t) => chat(t, { topP: 5 }).invoke("x").catch((e: unknown) => e));
  assert.equal(fields(bad).status, 400);
  assert.equal(fields(simBad).status, 400);

  const overloaded = await whileGatewayFull(stack, () => chat(facade(), { maxTokens: 4 }).invoke("one more").catch((e: unknown) => e));
  assert.deepEqual(fields(overloaded), { status: 429, code: "MODEL_RATE_LIMIT" });
});

test("aborting a stream through its signal stops the simulator's work on it", async () => {
  const before = await backendCounts(stack);
  const controller = new AbortController();
  const maxTokens = 20_000;
  const model = chat(facade(), { maxTokens, modelKwargs: { ignore_eos: true } });
  let received = 0;
  await assert.rejects(async () => {
    for await (const chunk of await model.stream("a very long story", { signal: controller.signal })) {
      if (chunk.text.length > 0 && ++received === 3) controller.abort();
    }
  }, /abort/i);
  assert.equal(received, 3);
  await assertBackendStopped(stack, before, maxTokens);
});

test("the gateway page's LangChain example runs against the facade: chat streamed with usage, structured output, a completion, an embedding", async () => {
  const out = await runReadmeExample(stack, "langchain-client.ts");
  assert.match(out, /\nusage: [1-9]\d* prompt \(\d+ cached\), [1-9]\d* output\n/);
  assert.match(out, /^label: (positive|negative)$/m);
  assert.match(out, /^completion: [1-9]\d* characters$/m);
  assert.match(out, /^embedding: 384 numbers$/m);
});
