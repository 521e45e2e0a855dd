// The `openai` package (v6) against the facade, each call compared with the same call made straight
// to vllm-sim: models, completions and chat (whole and streamed with usage), structured output
// through `chat.completions.parse`, embeddings as the SDK asks for them (base64 by default), cached
// prompt tokens, errors, cancellation, and the example shown in docs/components/inference-gateway.md.
import assert from "node:assert/strict";
import { test } from "node:test";
import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import { z } from "zod";
import { API_KEY, MODEL, assertBackendStopped, assertSameAnswer, backendCounts, facadeUrl, runReadmeExample, whileGatewayFull, simUrl, useFacadeStack } from "./facade-client-stack.js";

const stack = useFacadeStack("gateway_facade_openai_sdk");
const facade = () => new OpenAI({ baseURL: facadeUrl(stack), apiKey: API_KEY, maxRetries: 0 });
const direct = () => new OpenAI({ baseURL: simUrl(stack), apiKey: "EMPTY", maxRetries: 0 });
const both = () => [facade(), direct()] as const;
/** The same call through the facade and straight to the simulator, at the same time. */
const onBoth = <T>(call: (client: OpenAI) => Promise<T>) => Promise.all([call(facade()), call(direct())]);

test("models: the facade lists the simulator's model with its context length", async () => {
  const [viaFacade, viaSim] = await onBoth((c) => c.models.list());
  assert.deepEqual(
    viaFacade.data.map((m) => [m.id, (m as { max_model_len?: number }).max_model_len]),
    viaSim.data.map((m) => [m.id, (m as { max_model_len?: number }).max_model_len]),
  );
  assert.equal(viaFacade.data[0]?.id, MODEL);
});

test("completions and chat completions answer as the simulator does", async () => {
  const completion = { model: MODEL, prompt: "The best noodle soup in town is", max_tokens: 12, temperature: 0 };
  const [c1, c2] = await onBoth((c) => c.completions.create(completion));
  assert.ok(c1.choices[0]!.text.length > 0);
  assertSameAnswer(c1, c2);

  const chat = { model: MODEL, messages: [{ role: "system" as const, content: "Be brief." }, { role: "user" as const, content: "맛집 추천" }], max_tokens: 16, seed: 7 };
  const [m1, m2] = await onBoth((c) => c.chat.completions.create(chat));
  assert.ok((m1.choices[0]!.message.content ?? "").length > 0);
  assertSameAnswer(m1, m2);
});

async function streamed<T extends { usage?: OpenAI.CompletionUsage | null | undefined }>(stream: AsyncIterable<T>, text: (chunk: T) => string | undefined, finish: (chunk: T) => string | null | undefined) {
  let content = "";
  let finishReason: string | null | undefined;
  let usage: OpenAI.CompletionUsage | undefined;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    content += text(chunk) ?? "";
    finishReason = finish(chunk) ?? finishReason;
    if (chunk.usage) usage = chunk.usage;
  }
  return { content, finishReason, usage, chunks };
}

test("streamed completions and chat carry the same text, finish reason and usage as the simulator's", async () => {
  const completion = { model: MODEL, prompt: "Tell me about kimchi", max_tokens: 20, temperature: 0, stream: true as const, stream_options: { include_usage: true } };
  const [s1, s2] = await onBoth(async (c) => streamed(await c.completions.create(completion), (k) => k.choices[0]?.text, (k) => k.choices[0]?.finish_reason));
  assert.ok(s1.chunks > 1 && s1.content.length > 0);
  assertSameAnswer({ ...s1, chunks: 0 }, { ...s2, chunks: 0 });

  const chat = { model: MODEL, messages: [{ role: "user" as const, content: "국물이 진한 곳" }], max_tokens: 20, seed: 3, stream: true as const, stream_options: { include_usage: true } };
  const [t1, t2] = await onBoth(async (c) => streamed(await c.chat.completions.create(chat), (k) => k.choices[0]?.delta.content ?? undefined, (k) => k.choices[0]?.finish_reason));
  assert.ok(t1.usage && t1.usage.completion_tokens > 0);
  assertSameAnswer({ ...t1, chunks: 0 }, { ...t2, chunks: 0 });

  // Without include_usage neither sends usage.
  const { stream_options: _withUsage, ...withoutUsage } = chat;
  const plain = await streamed(await facade().chat.completions.create(withoutUsage), (k) => k.choices[0]?.delta.content ?? undefined, (k) => k.choices[0]?.finish_reason);
  assert.equal(plain.usage, undefined);
  assert.equal(plain.content, t2.content);
});

test("usage.prompt_tokens_details.cached_tokens is the simulator's count of prompt tokens its prefix cache served", async () => {
  const chat = { model: MODEL, messages: [{ role: "user" as const, content: "캐시 확인: 국물이 진하고 면발이 쫄깃한 집을 찾아 주세요. ".repeat(8) }], max_tokens: 4, temperature: 0.5 };
  // One call after another (the cache warm from the first), so both meet the same cache.
  await direct().chat.completions.create(chat);
  const viaFacade = await facade().chat.completions.create(chat);
  const viaSim = await direct().chat.completions.create(chat);
  const cached = viaFacade.usage?.prompt_tokens_details?.cached_tokens;
  assert.ok(cached !== undefined && cached > 0 && cached < viaFacade.usage!.prompt_tokens, JSON.stringify(viaFacade.usage));
  assert.deepEqual(viaFacade.usage, viaSim.usage);
});

test("structured output through chat.completions.parse gives the simulator's parsed object", async () => {
  const Verdict = z.object({ label: z.enum(["positive", "negative", "mixed"]), score: z.number().int().min(1).max(5), dishes: z.array(z.string()) });
  const request = { model: MODEL, messages: [{ role: "user" as const, content: "Classify: 국물이 진하고 맛있어요" }], max_tokens: 200, seed: 11, response_format: zodResponseFormat(Verdict, "verdict") };
  const [p1, p2] = await onBoth((c) => c.chat.completions.parse(request));
  const parsed = p1.choices[0]!.message.parsed;
  assert.ok(parsed && ["positive", "negative", "mixed"].includes(parsed.label));
  assert.deepEqual(parsed, p2.choices[0]!.message.parsed);
});

test("embeddings: the SDK's default call (base64) and explicit float give the simulator's vectors", async () => {
  const input = "국물";
  const [byDefault, simDefault] = await onBoth((c) => c.embeddings.create({ model: MODEL, input }));
  const vector = byDefault.data[0]!.embedding;
  assert.equal(vector.length, 384);
  assertSameAnswer(byDefault, simDefault);

  const [floats, simFloats] = await onBoth((c) => c.embeddings.create({ model: MODEL, input: [input, "면발"], encoding_format: "float" }));
  assertSameAnswer(floats, simFloats);
  // base64 carries float32: the same vector as the float list, to float32 precision.
  assert.deepEqual(vector, Array.from(Float32Array.from(floats.data[0]!.embedding)));

  const [short, simShort] = await onBoth((c) => c.embeddings.create({ model: MODEL, input, dimensions: 64 }));
  assert.equal(short.data[0]!.embedding.length, 64);
  assertSameAnswer(short, simShort);
});

test("an unknown encoding_format is a 400 naming the field, from the facade as from the simulator", async () => {
  for (const client of both()) {
    await assert.rejects(
      client.embeddings.create({ model: MODEL, input: "x", encoding_format: "binary" as "float" }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && (e.error as { param?: string }).param === "encoding_format",
    );
  }
});

test("a field the facade cannot carry is refused by name; at its default value it is accepted", async () => {
  const client = facade();
  const messages = [{ role: "user" as const, content: "hi" }];
  const refused = async (body: Record<string, unknown>, param: string, endpoint: "chat" | "completions" | "embeddings" = "chat") => {
    const call =
      endpoint === "chat"
        ? client.chat.completions.create({ model: MODEL, messages, max_tokens: 4, ...body } as OpenAI.ChatCompletionCreateParamsNonStreaming)
        : endpoint === "completions"
          ? client.completions.create({ model: MODEL, prompt: "hi", max_tokens: 4, ...body } as OpenAI.CompletionCreateParamsNonStreaming)
          : client.embeddings.create({ model: MODEL, input: "hi", ...body });
    await assert.rejects(call, (e: unknown) => e instanceof OpenAI.BadRequestError && (e.error as { param?: string }).param === param, `${JSON.stringify(body)} is refused naming ${param}`);
  };
  const before = await stack.sim.metric("vllm:request_success_total");
  await refused({ frequency_penalty: 0.5 }, "frequency_penalty");
  await refused({ top_k: 5 }, "top_k");
  await refused({ logprobs: true }, "logprobs");
  await refused({ n: 2 }, "n");
  await refused({ tools: [{ type: "function", function: { name: "f", parameters: {} } }] }, "tools");
  await refused({ stream: true, stream_options: { include_usage: true, continuous_usage_stats: true } }, "stream_options.continuous_usage_stats");
  await refused({ messages: [{ role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "data:," } }] }] }, "messages[0].content[1]");
  await refused({ messages: [{ role: "user", content: "x", name: "bob" }] }, "messages[0].name");
  await refused({ response_format: { type: "grammar" } }, "response_format.type");
  await refused({ echo: true }, "echo", "completions");
  await refused({ suffix: " end" }, "suffix", "completions");
  await refused({ truncate_prompt_tokens: 8 }, "truncate_prompt_tokens", "embeddings");
  assert.equal(await stack.sim.metric("vllm:request_success_total"), before, "nothing refused reached the simulator");

  // Defaults, a user id, json_object and text parts answer as the simulator answers them.
  const accepted = {
    model: MODEL,
    messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "Reply" }, { type: "text" as const, text: "in JSON" }] }],
    max_tokens: 300,
    temperature: 0,
    n: 1,
    frequency_penalty: 0,
    presence_penalty: 0,
    logprobs: false,
    user: "user-42",
    response_format: { type: "json_object" as const },
  };
  const [viaFacade, viaSim] = await onBoth((c) => c.chat.completions.create(accepted));
  assert.equal(typeof JSON.parse(viaFacade.choices[0]!.message.content ?? ""), "object");
  assertSameAnswer(viaFacade, viaSim);
});

test("errors surface as the SDK's error classes: wrong key, bad body, overload", async () => {
  const wrongKey = new OpenAI({ baseURL: facadeUrl(stack), apiKey: "wrong", maxRetries: 0 });
  await assert.rejects(wrongKey.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "x" }] }), (e: unknown) => e instanceof OpenAI.AuthenticationError && e.status === 401);

  for (const client of both()) {
    await assert.rejects(
      client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "x" }], max_tokens: -1 }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && /max_tokens/.test(String((e.error as { param?: string }).param ?? e.message)),
    );
  }

  const error = await whileGatewayFull(stack, () =>
    facade()
      .chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "one more" }], max_tokens: 4 })
      .then(() => undefined, (e: unknown) => e),
  );
  assert.ok(error instanceof OpenAI.RateLimitError, String(error));
  assert.ok(Number(error.headers.get("retry-after")) >= 1);
});

test("aborting a stream stops the simulator's work on it", async () => {
  const before = await backendCounts(stack);
  const controller = new AbortController();
  const maxTokens = 20_000;
  const stream = await facade().chat.completions.create(
    { model: MODEL, messages: [{ role: "user", content: "a very long story" }], max_tokens: maxTokens, stream: true, ignore_eos: true } as OpenAI.ChatCompletionCreateParamsStreaming,
    { signal: controller.signal },
  );
  let received = 0;
  let finishReason: string | null | undefined;
  // The SDK ends the iteration quietly when its signal aborts.
  for await (const chunk of stream) {
    finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    if (chunk.choices[0]?.delta.content && ++received === 3) controller.abort();
  }
  assert.ok(received >= 3);
  assert.equal(finishReason, undefined);
  await assertBackendStopped(stack, before, maxTokens);
});

test("the gateway page's openai example runs against the facade: a streamed answer with usage, then an embedding", async () => {
  const out = await runReadmeExample(stack, "openai-client.ts");
  assert.match(out, /\nusage: [1-9]\d* prompt \(\d+ cached\), [1-9]\d* output\n/);
  assert.match(out, /^embedding: 384 numbers$/m);
});
