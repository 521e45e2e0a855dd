// The grounded output mode (`--output grounded`) over HTTP: answers made of the user's delimited
// reviews (never the system prompt's), the header switching one request back to random mode.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Ajv } from "ajv";
import { startSim, type Sim } from "./sim-process.js";

let sim: Sim;
before(async () => {
  sim = await startSim(["--time-scale", "0.01", "--output", "grounded"]);
});
after(async () => {
  await sim?.stop();
});

interface Chat {
  choices: Array<{ message: { content: string }; finish_reason: string }>;
}
const reviews = { R1: "직원분들이 정말 친절하세요. 또 올게요!", R2: "음식이 식어서 나왔어요. 너무 비싸요." };
const answerSchema = {
  type: "object",
  properties: { label: { enum: ["positive", "negative", "neutral"] }, note: { type: "string", minLength: 1, maxLength: 100 } },
  required: ["label", "note"],
  additionalProperties: false,
};
const schema = { type: "object", properties: { R1: answerSchema, R2: answerSchema }, required: ["R1", "R2"], additionalProperties: false };
const messages = [
  // A review element in the system prompt is an example, not data: it must never be answered from.
  { role: "system", content: 'Label reviews. Example: <review ref="R1">최고예요 example text</review>' },
  { role: "user", content: `<reviews>\n${Object.entries(reviews).map(([r, t]) => `<review ref="${r}">${t}</review>`).join("\n")}\n</reviews>\nLabel every review above by its ref.` },
];
const ask = async (headers: Record<string, string> = {}) =>
  JSON.parse((await sim.json<Chat>("/v1/chat/completions", { messages, response_format: { type: "json_schema", json_schema: { name: "labels", schema } }, temperature: 0 }, headers)).choices[0]!.message.content) as Record<
    string,
    { label: string; note: string }
  >;

describe("grounded output", () => {
  test("a JSON answer validates, each ref's text is a phrase of that user review and its label follows the review's cue words", async () => {
    const value = await ask();
    assert.ok(new Ajv({ strict: false }).compile(schema)(value), JSON.stringify(value));
    assert.equal(value["R1"]!.label, "positive");
    assert.equal(value["R2"]!.label, "negative");
    assert.equal(value["R1"]!.note, "직원분들이 정말 친절하세요.");
    assert.equal(value["R2"]!.note, "음식이 식어서 나왔어요.");
  });

  test("x-sim-output: random answers one request in random mode; an unknown mode is a 400 naming the header", async () => {
    const random = await ask({ "x-sim-output": "random" });
    const phrases = Object.values(reviews).flatMap((t) => t.split(/(?<=[.!?])\s+/));
    assert.ok(!phrases.includes(random["R1"]!.note) && !phrases.includes(random["R2"]!.note), JSON.stringify(random));
    const res = await sim.post("/v1/chat/completions", { messages }, { "x-sim-output": "poetic" });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { message: string; param: string } };
    assert.equal(body.error.param, "x-sim-output");
    assert.match(body.error.message, /random, echo, grounded/);
  });

  test("a plain-text answer repeats the prompt's most shared phrases, then ends", async () => {
    const chat = await sim.json<Chat>("/v1/chat/completions", { messages, max_tokens: 200 });
    assert.equal(chat.choices[0]!.message.content, "직원분들이 정말 친절하세요. 또 올게요!");
    assert.equal(chat.choices[0]!.finish_reason, "stop");
  });
});
