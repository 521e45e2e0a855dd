// The OpenAI-compatible surface against a real simulator process on loopback.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import OpenAI from "openai";
import { readSse, startSim, type Sim } from "./sim-process.js";

let sim: Sim;
before(async () => {
  sim = await startSim(["--time-scale", "0.01"]);
});
after(async () => {
  await sim?.stop();
});

const MODEL = "Qwen/Qwen2.5-7B-Instruct";

test("a completion reports Qwen2.5 prompt tokens and the generated count", async () => {
  const body = await sim.json<{ choices: Array<{ text: string; finish_reason: string }>; usage: Record<string, number> }>("/v1/completions", {
    model: MODEL,
    prompt: "Hello, world!",
    max_tokens: 7,
  });
  assert.equal(body.usage["prompt_tokens"], 4);
  assert.equal(body.usage["completion_tokens"], 7);
  assert.equal(body.usage["total_tokens"], 11);
  assert.equal(body.choices[0]!.finish_reason, "length");
  assert.ok(body.choices[0]!.text.length > 0);
});

test("/tokenize and chat usage agree on the rendered chat template", async () => {
  const messages = [{ role: "user", content: "Hi" }];
  const tokenized = await sim.json<{ count: number; tokens: number[] }>("/tokenize", { messages });
  assert.equal(tokenized.count, 30);
  assert.equal(tokenized.tokens[0], 151644);
  const chat = await sim.json<{ usage: { prompt_tokens: number } }>("/v1/chat/completions", { messages, max_tokens: 3 });
  assert.equal(chat.usage.prompt_tokens, 30);
});

test("a chat stream ends with finish_reason, a usage chunk and [DONE]", async () => {
  const res = await sim.post("/v1/chat/completions", {
    model: MODEL,
    messages: [{ role: "user", content: "Tell me about the food." }],
    max_tokens: 12,
    stream: true,
    stream_options: { include_usage: true },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
  const { events, done } = await readSse(res);
  assert.ok(done);
  const choices = events.flatMap((e) => e["choices"] as Array<Record<string, unknown>>);
  assert.deepEqual((choices[0]!["delta"] as Record<string, unknown>)["role"], "assistant");
  assert.equal(choices.at(-1)!["finish_reason"], "length");
  const usage = events.at(-1)!["usage"] as Record<string, number>;
  assert.equal(usage["completion_tokens"], 12);
  assert.equal((events.at(-1)!["choices"] as unknown[]).length, 0);
});

test("the official openai client works, streaming and not", async () => {
  const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "unused", maxRetries: 0 });
  const models = await client.models.list();
  assert.equal(models.data[0]!.id, MODEL);
  const whole = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Hi" }], max_tokens: 5 });
  assert.equal(whole.usage?.completion_tokens, 5);
  assert.equal(whole.choices[0]!.finish_reason, "length");
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "Hi" }],
    max_tokens: 9,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  let usage: OpenAI.CompletionUsage | undefined | null;
  let finish: string | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  assert.ok(text.length > 0);
  assert.equal(finish, "length");
  assert.equal(usage?.completion_tokens, 9);
  const completion = await client.completions.create({ model: MODEL, prompt: "Once upon", max_tokens: 4, stream: true });
  let pieces = 0;
  for await (const chunk of completion) if (chunk.choices[0]?.text) pieces++;
  assert.equal(pieces, 4);
});

test("bad input is a 400 naming the field, and unknown models a 404", async () => {
  const cases: Array<[unknown, string]> = [
    [{ prompt: "x", max_tokens: 0 }, "max_tokens"],
    [{ prompt: "x", max_tokens: 5, min_tokens: 9 }, "min_tokens"],
    [{ prompt: "x", n: 2 }, "n"],
    [{ prompt: "x", stop: 3 }, "stop"],
    [{ prompt: "x", stream_options: { include_usage: true } }, "stream_options"],
    [{ prompt: "x", priority: 1 }, "priority"],
    [{}, "prompt"],
  ];
  for (const [body, param] of cases) {
    const res = await sim.post("/v1/completions", body);
    assert.equal(res.status, 400, JSON.stringify(body));
    const error = ((await res.json()) as { error: { param: string; message: string } }).error;
    assert.equal(error.param, param);
    assert.match(error.message, new RegExp(param));
  }
  const chat = await sim.post("/v1/chat/completions", { messages: [{ role: "user", content: [{ type: "image_url" }] }] });
  assert.equal(chat.status, 400);
  const unknown = await sim.post("/v1/completions", { model: "gpt-4", prompt: "x" });
  assert.equal(unknown.status, 404);
  const tooLong = await sim.post("/v1/completions", { prompt: "x", max_tokens: 40_000 });
  assert.equal(tooLong.status, 400);
  assert.match(((await tooLong.json()) as { error: { message: string } }).error.message, /maximum context length is 32768/);
});

test("embeddings are deterministic, L2-normalised and sized as asked", async () => {
  const a = await sim.json<{ data: Array<{ embedding: number[] }>; usage: { prompt_tokens: number } }>("/v1/embeddings", { input: ["맛있는 김치찌개", "친절한 직원"] });
  const b = await sim.json<{ data: Array<{ embedding: number[] }> }>("/v1/embeddings", { input: "맛있는 김치찌개", dimensions: 384 });
  assert.equal(a.data.length, 2);
  assert.equal(a.data[0]!.embedding.length, 384);
  assert.deepEqual(a.data[0]!.embedding, b.data[0]!.embedding);
  const norm = Math.sqrt(a.data[0]!.embedding.reduce((s, v) => s + v * v, 0));
  assert.ok(Math.abs(norm - 1) < 1e-9);
  assert.notDeepEqual(a.data[0]!.embedding, a.data[1]!.embedding);
  assert.ok(a.usage.prompt_tokens > 0);
  const small = await sim.json<{ data: Array<{ embedding: number[] }> }>("/v1/embeddings", { input: "x", dimensions: 8 });
  assert.equal(small.data[0]!.embedding.length, 8);
});

test("health, models and metrics answer", async () => {
  assert.equal((await fetch(`${sim.url}/health`)).status, 200);
  const metrics = await sim.metrics();
  assert.match(metrics, /^# TYPE vllm:num_requests_running gauge$/m);
  assert.match(metrics, /vllm:generation_tokens_total\{model_name="Qwen\/Qwen2.5-7B-Instruct",engine="0"\} \d+/);
});
