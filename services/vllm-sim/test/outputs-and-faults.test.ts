// What the simulator answers: JSON-schema outputs, stop conditions and finish reasons, seeds, and
// injected faults, against a real simulator process.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { waitFor } from "@reviewlens/testkit";
import { Ajv } from "ajv";
import { readSse, sample, startSim, type Sim } from "./sim-process.js";

let sim: Sim;
before(async () => {
  sim = await startSim(["--time-scale", "0.01"]);
});
after(async () => {
  await sim?.stop();
});

interface Completion {
  choices: Array<{ text: string; finish_reason: string; stop_reason: string | number | null }>;
  usage: { prompt_tokens: number; completion_tokens: number };
}
interface Chat {
  choices: Array<{ message: { content: string }; finish_reason: string }>;
  usage: { completion_tokens: number };
}
const ECHO = { "x-sim-output": "echo" };
const complete = (body: Record<string, unknown>, headers: Record<string, string> = {}) => sim.json<Completion>("/v1/completions", body, headers);
const count = async (text: string) => (await sim.json<{ count: number }>("/tokenize", { prompt: text })).count;

describe("JSON-schema outputs", () => {
  const schemas: Record<string, Record<string, unknown>> = {
    sentiment: {
      type: "object",
      properties: {
        label: { type: "string", enum: ["positive", "neutral", "negative"] },
        confidence: { type: "number", minimum: 0, maximum: 1 },
        aspects: { type: "array", minItems: 1, maxItems: 4, items: { type: "string", minLength: 2, maxLength: 12 } },
      },
      required: ["label", "confidence", "aspects"],
      additionalProperties: false,
    },
    summary: {
      type: "object",
      $defs: { point: { type: "object", properties: { text: { type: "string", maxLength: 30 }, weight: { type: "integer", minimum: 1, maximum: 5 } }, required: ["text", "weight"] } },
      properties: {
        title: { type: "string", minLength: 5, maxLength: 20 },
        rating: { type: "integer", exclusiveMinimum: 0, exclusiveMaximum: 6 },
        step: { type: "number", multipleOf: 0.25, minimum: 1, maximum: 2 },
        points: { type: "array", items: { $ref: "#/$defs/point" }, minItems: 2, maxItems: 3 },
        note: { anyOf: [{ type: "string" }, { type: "null" }] },
        when: { type: "string", format: "date" },
        flag: { type: "boolean" },
        code: { const: "R1" },
      },
      required: ["title", "rating", "step", "points", "note", "when", "flag", "code"],
    },
  };
  const ajv = new Ajv({ strict: false });

  for (const [name, schema] of Object.entries(schemas)) {
    test(`${name}: every seeded output validates, and usage counts its tokens plus EOS`, async () => {
      const validate = ajv.compile(schema);
      for (let seed = 1; seed <= 8; seed++) {
        const chat = await sim.json<Chat>("/v1/chat/completions", {
          messages: [{ role: "user", content: "Classify this review." }],
          response_format: { type: "json_schema", json_schema: { name, schema } },
          seed,
        });
        const content = chat.choices[0]!.message.content;
        const value: unknown = JSON.parse(content);
        assert.ok(validate(value), `${content}: ${ajv.errorsText(validate.errors)}`);
        assert.equal(chat.choices[0]!.finish_reason, "stop");
        assert.equal(chat.usage.completion_tokens, (await count(content)) + 1);
      }
    });
  }

  test("guided_json on a completion and json_object work too", async () => {
    const guided = await complete({ prompt: "x", guided_json: { type: "array", items: { type: "integer" }, minItems: 3, maxItems: 3 } });
    const list = JSON.parse(guided.choices[0]!.text) as unknown[];
    assert.equal(list.length, 3);
    assert.ok(list.every((v) => Number.isInteger(v)));
    const obj = await sim.json<Chat>("/v1/chat/completions", { messages: [{ role: "user", content: "x" }], response_format: { type: "json_object" } });
    assert.equal(typeof JSON.parse(obj.choices[0]!.message.content), "object");
  });

  test("the schema-violation fault answers JSON that the requested schema rejects, forced or at a rate", async () => {
    const schema = schemas["sentiment"]!;
    const validate = ajv.compile(schema);
    const ask = async (headers: Record<string, string> = {}) => {
      const res = await sim.post("/v1/chat/completions", { messages: [{ role: "user", content: "Classify." }], response_format: { type: "json_schema", json_schema: { name: "s", schema } } }, headers);
      assert.equal(res.status, 200);
      return JSON.parse(((await res.json()) as Chat).choices[0]!.message.content) as unknown;
    };
    assert.equal(validate(await ask({ "x-sim-fault": "schema-violation" })), false);
    assert.ok(validate(await ask()), "without the fault the answer validates");
    assert.equal((await sim.post("/sim/faults", { schemaViolationRate: 1 })).status, 200);
    try {
      for (let i = 0; i < 3; i++) assert.equal(validate(await ask()), false);
    } finally {
      await sim.post("/sim/faults", { schemaViolationRate: 0 });
    }
    assert.equal((await sim.post("/sim/faults", { schemaViolationRate: 2 })).status, 400);
  });

  test("a bad schema reference is a 400 naming response_format", async () => {
    const res = await sim.post("/v1/chat/completions", {
      messages: [{ role: "user", content: "x" }],
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { $ref: "#/$defs/missing" } } },
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { param: string } }).error.param, "response_format");
  });
});

describe("stop conditions and finish reasons", () => {
  const prompt = "alpha beta gamma STOP delta epsilon";

  test("a stop string ends generation with finish_reason stop and is not in the text", async () => {
    const r = await complete({ prompt, stop: ["STOP"] }, ECHO);
    assert.equal(r.choices[0]!.text, "alpha beta gamma ");
    assert.equal(r.choices[0]!.finish_reason, "stop");
    assert.equal(r.choices[0]!.stop_reason, "STOP");
    const kept = await complete({ prompt, stop: ["STOP"], include_stop_str_in_output: true }, ECHO);
    assert.equal(kept.choices[0]!.text, "alpha beta gamma STOP");
  });

  test("streamed text never shows a stop string that spans tokens", async () => {
    const res = await sim.post("/v1/completions", { prompt, stop: ["ma ST"], stream: true }, ECHO);
    const { events } = await readSse(res);
    const choices = events.map((e) => (e["choices"] as Array<{ text: string; finish_reason: string | null }>)[0]!);
    assert.equal(choices.map((c) => c.text).join(""), "alpha beta gam");
    assert.equal(choices.at(-1)!.finish_reason, "stop");
  });

  test("max_tokens ends generation with finish_reason length", async () => {
    const r = await complete({ prompt, max_tokens: 3 }, ECHO);
    assert.equal(r.choices[0]!.finish_reason, "length");
    assert.equal(r.usage.completion_tokens, 3);
  });

  test("EOS ends an echo with finish_reason stop and counts as a generated token", async () => {
    const r = await complete({ prompt }, ECHO);
    assert.equal(r.choices[0]!.text, prompt);
    assert.equal(r.choices[0]!.finish_reason, "stop");
    assert.equal(r.choices[0]!.stop_reason, null);
    assert.equal(r.usage.completion_tokens, r.usage.prompt_tokens + 1);
  });

  test("min_tokens holds EOS back; ignore_eos runs to max_tokens", async () => {
    const short = "one two";
    const n = await count(short);
    const held = await complete({ prompt: short, min_tokens: n + 5 }, ECHO);
    assert.equal(held.usage.completion_tokens, n + 6);
    assert.equal(held.choices[0]!.finish_reason, "stop");
    const ignored = await complete({ prompt: short, ignore_eos: true, max_tokens: 20 }, ECHO);
    assert.equal(ignored.usage.completion_tokens, 20);
    assert.equal(ignored.choices[0]!.finish_reason, "length");
  });

  test("stop_token_ids stop on that token", async () => {
    const ids = (await sim.json<{ tokens: number[] }>("/tokenize", { prompt })).tokens;
    const r = await complete({ prompt, stop_token_ids: [ids[2]] }, ECHO);
    assert.equal(r.usage.completion_tokens, 3);
    assert.equal(r.choices[0]!.stop_reason, ids[2]);
  });

  test("echo prepends the prompt; a seed or temperature 0 repeats the output", async () => {
    const echoed = await complete({ prompt: "Dear diary,", echo: true, max_tokens: 4 });
    assert.ok(echoed.choices[0]!.text.startsWith("Dear diary,"));
    const a = await complete({ prompt: "x", seed: 7, max_tokens: 10 });
    const b = await complete({ prompt: "x", seed: 7, max_tokens: 10 });
    assert.equal(a.choices[0]!.text, b.choices[0]!.text);
    const g1 = await complete({ prompt: "same", temperature: 0, max_tokens: 10 });
    const g2 = await complete({ prompt: "same", temperature: 0, max_tokens: 10 });
    assert.equal(g1.choices[0]!.text, g2.choices[0]!.text);
  });
});

describe("fault injection", () => {
  test("the x-sim-fault header forces each error type", async () => {
    for (const [kind, type] of [
      ["429", "RateLimitError"],
      ["500", "InternalServerError"],
      ["503", "ServiceUnavailableError"],
      ["400", "BadRequestError"],
    ] as const) {
      const res = await sim.post("/v1/completions", { prompt: "x", max_tokens: 2 }, { "x-sim-fault": kind });
      assert.equal(res.status, Number(kind));
      const body = (await res.json()) as { error: { type: string; message: string } };
      assert.equal(body.error.type, type);
      if (kind === "429") assert.equal(res.headers.get("retry-after"), "1");
      if (kind === "400") assert.match(body.error.message, /maximum context length/);
    }
    const bad = await sim.post("/v1/completions", { prompt: "x" }, { "x-sim-fault": "boom" });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { param: string } }).error.param, "x-sim-fault");
  });

  test("error rates change at runtime; an invalid update changes nothing", async () => {
    const set = (body: unknown) => sim.post("/sim/faults", body);
    assert.equal((await set({ errorRate: 1, errorTypes: ["503"] })).status, 200);
    assert.equal((await sim.post("/v1/completions", { prompt: "x", max_tokens: 1 })).status, 503);
    const invalid = await set({ errorRate: 2 });
    assert.equal(invalid.status, 400);
    assert.equal(((await invalid.json()) as { error: { param: string } }).error.param, "errorRate");
    assert.equal((await set({ bogus: 1 })).status, 400);
    const current = await sim.json<{ errorRate: number; errorTypes: string[] }>("/sim/faults");
    assert.equal(current.errorRate, 1);
    assert.deepEqual(current.errorTypes, ["503"]);
    assert.equal((await set({ errorRate: 0 })).status, 200);
    assert.equal((await sim.post("/v1/completions", { prompt: "x", max_tokens: 1 })).status, 200);
  });

  test("added latency holds a request before the engine sees it", async () => {
    await sim.post("/sim/faults", { latencyMs: 1_000_000 }); // 10 s of wall time at this time scale
    const promptBefore = sample(await sim.metrics(), "vllm:prompt_tokens_total");
    const controller = new AbortController();
    const pending = fetch(`${sim.url}/v1/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "held", max_tokens: 1 }),
      signal: controller.signal,
    }).catch(() => undefined);
    await sleep(300);
    const metrics = await sim.metrics();
    assert.equal(sample(metrics, "vllm:num_requests_waiting") + sample(metrics, "vllm:num_requests_running"), 0);
    assert.equal(sample(metrics, "vllm:prompt_tokens_total"), promptBefore);
    controller.abort();
    await pending;
    await sim.post("/sim/faults", { latencyMs: 0 });
  });

  test("a stalled stream stops after N tokens while the engine finishes", async () => {
    await sim.post("/sim/faults", { stallAfterTokens: 3, stallMs: 1_000_000 });
    const done = sample(await sim.metrics(), "vllm:request_success_total", 'finished_reason="length"');
    const res = await sim.post("/v1/completions", { prompt: "x", max_tokens: 12, ignore_eos: true, stream: true }, { "x-sim-fault": "stall" });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let received = "";
    const pump = (async () => {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) return;
        received += Buffer.from(value).toString("utf8");
      }
    })().catch(() => undefined);
    await waitFor(async () => sample(await sim.metrics(), "vllm:request_success_total", 'finished_reason="length"') === done + 1, "the engine to finish");
    await sleep(200);
    assert.equal(received.split("data: {").length - 1, 3, "only the tokens before the stall arrived");
    await reader.cancel();
    await pump;
    await sim.post("/sim/faults", { stallAfterTokens: 8, stallMs: 5000 });
  });
});
