// Coalescing, cancellation and the OpenAI-compatible facade through a real gateway and vllm-sim.
import assert from "node:assert/strict";
import { test } from "node:test";
import { inference } from "@reviewlens/contracts";
import { waitFor } from "@reviewlens/testkit";
import OpenAI from "openai";
import { llmRequest, useSingleSimStack, words } from "./gateway-harness.js";

const API_KEY = "test-gateway-key";
const stack = useSingleSimStack("gateway_coalescing", ["--time-scale", "0.1"], { GATEWAY_API_KEY: API_KEY, GATEWAY_EMBED_MAX_WAIT_MS: "20" });

test("identical concurrent requests cause one backend request and every caller gets its result", async () => {
  const before = await stack.sim.metric("vllm:request_success_total");
  const request = llmRequest(words(200, "same"), {}, { temperature: 0, maxTokens: 30 });
  const responses = await Promise.all(Array.from({ length: 5 }, () => stack.gateway.client.complete({ request })));
  assert.equal((await stack.sim.metric("vllm:request_success_total")) - before, 1);
  assert.equal(new Set(responses.map((r) => r.text)).size, 1);
  assert.equal(responses.filter((r) => r.execution?.coalesced).length, 4);
  assert.ok(responses.every((r) => r.usage?.outputTokens === responses[0]!.usage?.outputTokens));
  // Sampled requests (temperature above 0, no seed) are never shared.
  const sampled = llmRequest(words(50, "other"), {}, { temperature: 0.8, maxTokens: 5 });
  const mid = await stack.sim.metric("vllm:request_success_total");
  await Promise.all([1, 2, 3].map(() => stack.gateway.client.complete({ request: sampled })));
  assert.equal((await stack.sim.metric("vllm:request_success_total")) - mid, 3);
});

test("100 concurrent Embed calls reach the backend in a handful of batches", async () => {
  const batchesBefore = await stack.gateway.metric("gateway_embedding_batches_total");
  const texts = Array.from({ length: 100 }, (_, i) => `리뷰 ${i}: 음식이 맛있어요`);
  const responses = await Promise.all(texts.map((t) => stack.gateway.client.embed({ texts: [t] })));
  const batches = (await stack.gateway.metric("gateway_embedding_batches_total")) - batchesBefore;
  assert.ok(batches >= 1 && batches <= 5, `${batches} backend calls`);
  assert.ok(responses.every((r) => r.embeddings.length === 1 && r.embeddings[0]!.values.length === r.dimension && r.dimension > 0));
  assert.ok(responses.some((r) => r.batchedWith > 1));
  // The same text gives the same vector whichever batch it travelled in.
  const again = await stack.gateway.client.embed({ texts: [texts[7]!] });
  assert.deepEqual(again.embeddings[0]!.values, responses[7]!.embeddings[0]!.values);
});

test("cancelling a streaming call drops the simulator's running count", async () => {
  const controller = new AbortController();
  const stream = stack.gateway.client.generate({ request: llmRequest("tell a long story", {}, { maxTokens: 5_000, ignoreEos: true }) }, { signal: controller.signal });
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  assert.equal(first.done, false);
  assert.equal(await stack.sim.metric("vllm:num_requests_running"), 1);
  controller.abort();
  // Messages already received may still be handed out; then the call ends as aborted.
  await assert.rejects(async () => {
    for (let step = await iterator.next(); !step.done; step = await iterator.next());
  }, /abort/i);
  await waitFor(async () => (await stack.sim.metric("vllm:num_requests_running")) === 0 || undefined, "the simulator to stop the request");
  await waitFor(async () => (await stack.gateway.metric("gateway_requests_in_flight")) === 0 || undefined, "the gateway to release the slot");
  await waitFor(async () => (await stack.gateway.metric("gateway_requests_total", { outcome: "cancelled" })) >= 1 || undefined, "the cancellation counted");
});

test("Generate streams deltas and ends with usage, timings and execution", async () => {
  let text = "";
  let last: inference.GenerateResponse | undefined;
  for await (const message of stack.gateway.client.generate({ request: llmRequest("stream please", {}, { maxTokens: 12, ignoreEos: true }) })) {
    text += message.textDelta;
    last = message;
  }
  assert.ok(text.length > 0);
  assert.equal(last?.usage?.outputTokens, 12);
  assert.ok((last?.usage?.promptTokens ?? 0) > 0);
  assert.equal(last?.finishReason, "length");
  assert.ok(last.timings!.ttftMs >= last.timings!.queueMs);
  assert.ok(last.timings!.e2eMs >= last.timings!.ttftMs);
  assert.equal(last?.execution?.backend, stack.sim.url);
});

test("bad input is refused naming the field and reaches no backend", async () => {
  const before = await stack.sim.metric("vllm:request_success_total");
  await assert.rejects(stack.gateway.client.complete({ request: llmRequest("") }), /INVALID_ARGUMENT.*request\.text/);
  await assert.rejects(stack.gateway.client.complete({ request: llmRequest("x", {}, { temperature: 7 }) }), /request\.sampling\.temperature/);
  await assert.rejects(
    stack.gateway.client.complete({ request: { ...llmRequest("x"), jsonSchema: { name: "n", schemaJson: "{not json", strict: true } } }),
    /request\.json_schema\.schema_json/,
  );
  await assert.rejects(stack.gateway.client.embed({ texts: [] }), /INVALID_ARGUMENT.*texts/);
  assert.equal(await stack.sim.metric("vllm:request_success_total"), before);
});

const objectWith = (key: string) => ({ name: key, schemaJson: JSON.stringify({ type: "object", properties: { [key]: { type: "string" } }, required: [key], additionalProperties: false }), strict: true });

test("CompleteShared answers each variant of one prompt as Complete answers it alone, in the order they finish", async () => {
  const prompt = { $case: "chat" as const, value: { messages: [{ role: "user", content: words(300, "shared") }] } };
  const shared = llmRequest("", { prompt }, { temperature: 0, seed: 7, maxTokens: 40 });
  const variants = [{ jsonSchema: objectWith("taste"), maxTokens: 0 }, { jsonSchema: objectWith("price"), maxTokens: 30 }, { jsonSchema: objectWith("service"), maxTokens: 0 }];
  const before = await stack.sim.metric("vllm:request_success_total");
  const answers = new Map<number, inference.CompleteResponse>();
  for await (const item of stack.gateway.client.completeShared({ request: shared, variants })) {
    assert.equal(item.outcome?.$case, "response", `variant ${item.variant} answered`);
    assert.ok(!answers.has(item.variant), "each variant once");
    answers.set(item.variant, item.outcome.value);
  }
  assert.deepEqual([...answers.keys()].sort(), [0, 1, 2]);
  assert.equal((await stack.sim.metric("vllm:request_success_total")) - before, 3, "each variant is its own backend request");
  for (const [variant, answer] of answers) {
    const { jsonSchema, maxTokens } = variants[variant]!;
    assert.ok(Object.hasOwn(JSON.parse(answer.text) as object, jsonSchema.name), `variant ${variant} answered in its own schema: ${answer.text}`);
    const alone = await stack.gateway.client.complete({ request: { ...shared, jsonSchema, sampling: { ...shared.sampling!, maxTokens: maxTokens || 40 } } });
    assert.equal(answer.text, alone.text, `variant ${variant} as Complete answers it`);
    assert.equal(answer.usage?.promptTokens, alone.usage?.promptTokens);
  }
});

test("CompleteShared refuses a bad variant naming it before any backend work; a variant failing at run time fails alone", async () => {
  const shared = llmRequest(words(50, "variants"), {}, { temperature: 0, maxTokens: 8 });
  const before = await stack.sim.metric("vllm:request_success_total");
  const run = async (variants: inference.CompletionVariant[]) => {
    const outcomes: string[] = [];
    for await (const item of stack.gateway.client.completeShared({ request: shared, variants })) outcomes[item.variant] = item.outcome?.$case === "error" ? `error ${item.outcome.value.code}: ${item.outcome.value.message}` : "answered";
    return outcomes;
  };
  await assert.rejects(run([]), /INVALID_ARGUMENT.*variants/);
  await assert.rejects(run([{ jsonSchema: objectWith("a"), maxTokens: 0, traceparent: "" }, { jsonSchema: { name: "b", schemaJson: "{not json", strict: true }, maxTokens: 0, traceparent: "" }]), /INVALID_ARGUMENT.*variants\[1\]\.json_schema\.schema_json/);
  await assert.rejects(run([{ maxTokens: 10_000_000, traceparent: "" }]), /INVALID_ARGUMENT.*variants\[0\]\.max_tokens/);
  assert.equal(await stack.sim.metric("vllm:request_success_total"), before, "no variant of a refused call ran");
  // Beyond the model's context (known once the backend said it): this variant alone is refused.
  const outcomes = await run([{ maxTokens: 0, traceparent: "" }, { maxTokens: 32_760, traceparent: "" }]);
  assert.equal(outcomes[0], "answered");
  assert.match(outcomes[1]!, /^error 3: .*context/, "INVALID_ARGUMENT, as Complete would have ended");
});

test("the facade refuses a wrong API key and bad bodies with OpenAI-style errors", async () => {
  const wrong = new OpenAI({ baseURL: `${stack.gateway.httpUrl}/v1`, apiKey: "wrong", maxRetries: 0 });
  await assert.rejects(wrong.models.list(), (e: unknown) => e instanceof OpenAI.AuthenticationError);
  // The key is compared as a whole (constant time, on digests): a prefix, an extension, one changed
  // character or another scheme is refused; only the exact key passes.
  const statusWith = async (authorization: string | undefined) =>
    (await fetch(`${stack.gateway.httpUrl}/v1/models`, { headers: authorization === undefined ? {} : { authorization } })).status;
  for (const authorization of [undefined, `Bearer ${API_KEY.slice(0, -1)}`, `Bearer ${API_KEY}x`, `Bearer ${API_KEY.slice(0, -1)}X`, `Basic ${API_KEY}`, API_KEY]) {
    assert.equal(await statusWith(authorization), 401, String(authorization));
  }
  assert.equal(await statusWith(`Bearer ${API_KEY}`), 200);
  const client = new OpenAI({ baseURL: `${stack.gateway.httpUrl}/v1`, apiKey: API_KEY, maxRetries: 0 });
  await assert.rejects(
    client.completions.create({ model: "m", prompt: "x", max_tokens: 5, priority: "urgent" } as OpenAI.CompletionCreateParamsNonStreaming),
    (e: unknown) => e instanceof OpenAI.BadRequestError && (e.error as { param?: string }).param === "priority",
  );
  await assert.rejects(
    client.chat.completions.create({ model: "m", messages: [{ role: "wizard" as "user", content: "x" }] }),
    (e: unknown) => e instanceof OpenAI.BadRequestError && (e.error as { param?: string }).param === "messages[0].role",
  );
  // Sampling fields are named as the OpenAI API names them, not as the gateway's gRPC contract does.
  for (const [body, param] of [[{ temperature: 9 }, "temperature"], [{ top_p: 0 }, "top_p"], [{ max_tokens: 10 ** 9 }, "max_tokens"], [{ max_completion_tokens: 10 ** 9 }, "max_completion_tokens"]] as const) {
    await assert.rejects(
      client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }], ...body }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && (e.error as { param?: string }).param === param,
      param,
    );
  }
  // Refusals before any handler (no body, an unknown route) are OpenAI error objects too.
  const raw = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${stack.gateway.httpUrl}${path}`, { ...init, headers: { ...stack.gateway.httpHeaders, ...(init.headers as Record<string, string>) } });
    return { status: response.status, error: ((await response.json()) as { error: { type: string } }).error };
  };
  const empty = await raw("/v1/completions", { method: "POST", headers: { "content-type": "application/json" } });
  assert.deepEqual([empty.status, empty.error.type], [400, "invalid_request_error"]);
  const nowhere = await raw("/v1/nowhere");
  assert.deepEqual([nowhere.status, nowhere.error.type], [404, "invalid_request_error"]);
});
