import assert from "node:assert/strict";
import { test } from "node:test";
import { Ajv } from "ajv";
import { groundedJsonInstance } from "./grounded-json-instance.js";
import { groundPrompt } from "./prompt-grounding.js";
import { createRandom } from "./random-source.js";
import { schemas } from "./schema-fixtures.js";

const ajv = new Ajv({ strict: false });
const reviews: Record<string, string> = {
  R1: "국물이 정말 진하고 깊어요. 직원분들이 친절하세요.",
  R2: "너무 비싸요. 직원이 불친절했어요.",
  R3: "맛은 보통이에요.",
  R4: "국물이 정말 진하고 깊어요. 가성비가 좋아요. 또 올게요!",
};
const refs = Object.keys(reviews);
const promptWith = (instruction: string) =>
  `<reviews>\n${refs.map((r) => `<review ref="${r}">${reviews[r]}</review>`).join("\n")}\n</reviews>\n${instruction}`;
const perRefOf = (keys: string[], answer: object) => ({ type: "object", properties: Object.fromEntries(keys.map((r) => [r, answer])), required: keys, additionalProperties: false });
const perRef = (answer: object) => perRefOf(refs, answer);

function answer<T>(schema: object, instruction = "Answer for every review above by its ref.", seed = 1): T {
  const value = groundedJsonInstance(schema, { random: createRandom(seed), words: ["filler"] }, groundPrompt(promptWith(instruction)));
  const validate = ajv.compile(schema);
  assert.ok(validate(value), `${JSON.stringify(value)}: ${ajv.errorsText(validate.errors)}`);
  return value as T;
}

const phrasesOf = (ref: string) => reviews[ref]!.split(/(?<=[.!?])\s+/);
const phraseOfAny = (text: string, among = refs) => among.some((r) => phrasesOf(r).includes(text));

test("labels keyed by ref follow that review's cue words, in long or compact enums", () => {
  const long = answer<Record<string, { label: string; confidence: number }>>(
    perRef({ type: "object", properties: { label: { enum: ["positive", "negative", "neutral"] }, confidence: { type: "number", minimum: 0, maximum: 1 } }, required: ["label", "confidence"] }),
  );
  assert.deepEqual(refs.map((r) => long[r]!.label), ["positive", "negative", "neutral", "positive"]);
  const compact = answer<Record<string, string>>(perRef({ enum: ["p", "n", "u"] }));
  assert.deepEqual(refs.map((r) => compact[r]), ["p", "n", "u", "p"]);
});

test("claims keyed by ref are that review's own phrases, the praised ones when praise is asked for, with aspects by topic words", () => {
  const claims = answer<Record<string, { claims: Array<{ aspect: string; claim: string }> }>>(
    perRef({
      type: "object",
      properties: {
        claims: {
          type: "array",
          maxItems: 3,
          items: { type: "object", properties: { aspect: { enum: ["taste", "service", "price_value"] }, claim: { type: "string", minLength: 1, maxLength: 40 } }, required: ["aspect", "claim"] },
        },
      },
      required: ["claims"],
    }),
    "Extract the praised claims of every review above by its ref.",
  );
  const wordsOf = (claim: string) => claim.split(" ");
  for (const r of refs) for (const c of claims[r]!.claims) assert.ok(phrasesOf(r).some((p) => wordsOf(c.claim).every((w) => p.includes(w))), `${r}: "${c.claim}" is made of words of one phrase of ${r}`);
  // A field of 40 characters holds a phrase's key words: what it is about and its judgement.
  assert.deepEqual(claims["R1"]!.claims, [
    { aspect: "taste", claim: "국물 진하고" },
    { aspect: "service", claim: "직원분들 친절" },
  ]);
  assert.deepEqual(claims["R2"]!.claims, [], "R2 praises nothing");
  assert.deepEqual(claims["R3"]!.claims, [], "R3 is plain, no praise");
  assert.deepEqual(claims["R4"]!.claims.map((c) => c.claim), ["국물 진하고", "가성비 좋아", "또 올게요"]);
  assert.deepEqual(claims["R4"]!.claims.slice(0, 2).map((c) => c.aspect), ["taste", "price_value"]);
  assert.equal(claims["R4"]!.claims[0]!.aspect, claims["R1"]!.claims[0]!.aspect, "the same phrase, the same aspect");
});

test("claims keyed by aspect: the optional aspects present are those the review mentions, most mentioned first up to maxProperties, each a phrase with its words", () => {
  const aspects = ["taste", "service", "price_value", "ambience", "portion"];
  const claims = answer<Record<string, Record<string, string>>>(
    perRef({ type: "object", properties: Object.fromEntries(aspects.map((a) => [a, { type: "string", minLength: 1, maxLength: 24 }])), maxProperties: 2, additionalProperties: false }),
  );
  // R1 has a taste phrase and a service phrase; R2 a price and a service phrase; R3 "맛은" (taste);
  // R4 taste ("국물"), price ("가성비") and a phrase of no topic, kept to two by maxProperties.
  assert.deepEqual(Object.keys(claims["R1"]!), ["taste", "service"]);
  assert.deepEqual(Object.keys(claims["R2"]!), ["service", "price_value"]);
  assert.deepEqual(Object.keys(claims["R3"]!), ["taste"]);
  assert.deepEqual(Object.keys(claims["R4"]!), ["taste", "price_value"]);
  const cues: Record<string, RegExp> = { taste: /맛|국물/, service: /직원/, price_value: /비싸|가성비/ };
  for (const r of refs) {
    for (const [aspect, claim] of Object.entries(claims[r]!)) {
      const phrase = phrasesOf(r).find((p) => claim.split(" ").every((w) => p.includes(w)));
      assert.ok(phrase, `${r}.${aspect}: "${claim}" is made of words of one phrase of ${r}`);
      assert.match(phrase, cues[aspect]!, `${r}.${aspect}: "${claim}" comes from a phrase about ${aspect}`);
    }
  }
  assert.deepEqual(claims["R2"], { service: "직원 불친절", price_value: "너무 비싸요" }, "each aspect its own phrase, not the review's first phrase for every aspect");
});

test("the aspects mentioned most are kept when more are mentioned than maxProperties allows", () => {
  const schema = { type: "object", properties: { taste: { type: "string" }, service: { type: "string" }, price: { type: "string" } }, maxProperties: 1 };
  const one = groundedJsonInstance(schema, { random: createRandom(1), words: ["w"] }, groundPrompt('<review ref="R1">맛있어요. 직원이 친절해요. 사장님도 친절하고 서비스가 좋아요.</review>')) as Record<string, string>;
  assert.deepEqual(Object.keys(one), ["service"]);
  assert.match(one["service"]!, /직원|사장님|서비스/);
});

test("a phrase with cues of two aspects goes to the one it is mainly about", () => {
  const schema = { type: "object", properties: { waiting_time: { type: "string", maxLength: 24 }, portion: { type: "string", maxLength: 24 } }, maxProperties: 3, additionalProperties: false };
  const claimsOf = (review: string) => groundedJsonInstance(perRefOf(["R1"], schema), { random: createRandom(1), words: ["w"] }, groundPrompt(`<review ref="R1">${review}</review>`)) as Record<string, Record<string, string>>;
  // "나와" is a waiting cue, "푸짐" and "배불" portion cues.
  assert.deepEqual(claimsOf("푸짐하게 나와서 배불렀어요.")["R1"], { portion: "푸짐하게 나와서 배불렀어요" });
  assert.deepEqual(claimsOf("푸짐하게 나와서 배불렀어요. 기다리지 않고 바로 앉았어요.")["R1"], { waiting_time: "기다리지 않고 바로", portion: "푸짐하게 나와서 배불렀어요" });
});

test("minProperties is met even when fewer aspects are mentioned", () => {
  const schema = { type: "object", properties: { taste: { type: "string", minLength: 1 }, parking: { type: "string", minLength: 1 } }, minProperties: 2, additionalProperties: false };
  const value = groundedJsonInstance(schema, { random: createRandom(1), words: ["w"] }, groundPrompt('<review ref="R1">맛있어요.</review>'));
  assert.deepEqual(Object.keys(value as object), ["taste", "parking"]);
  assert.ok(ajv.validate(schema, value));
});

test("a summary is made of the prompt's phrases; its citations are the prompt's refs that hold them; an aspect no phrase names stays empty", () => {
  const evidence = { type: "array", items: { type: "string", enum: refs }, maxItems: 8 };
  const part = { type: "object", properties: { summary: { type: "string", maxLength: 240 }, evidence, sentiment: { type: "number", minimum: -1, maximum: 1 } }, required: ["summary", "evidence", "sentiment"] };
  type Part = { summary: string; evidence: string[]; sentiment: number };
  const summary = answer<{ overall: Part; aspects: Record<string, Part> }>(
    {
      type: "object",
      properties: {
        overall: { type: "object", properties: { summary: { type: "string", maxLength: 400 }, evidence }, required: ["summary", "evidence"] },
        aspects: { type: "object", properties: { service: part, parking: part }, required: ["service", "parking"] },
      },
      required: ["overall", "aspects"],
    },
    "Summarise these reviews. Aspects: service, parking.",
  );
  assert.equal(summary.overall.summary, "국물이 정말 진하고 깊어요. 직원분들이 친절하세요.", "the phrase two reviews share first");
  assert.deepEqual(summary.overall.evidence, ["R1", "R4"]);
  const service = summary.aspects["service"]!;
  for (const sentence of service.summary.split(/(?<=[.!?])\s+/)) assert.ok(phraseOfAny(sentence) && /직원/.test(sentence), sentence);
  assert.deepEqual(service.evidence, ["R1", "R2"]);
  assert.equal(service.sentiment, 0, "one friendly and one unfriendly sentence balance");
  assert.deepEqual(summary.aspects["parking"], { summary: "", evidence: [], sentiment: 0 });
});

test("an evidence answer (citations and score, no strings) cites the refs of its topic's phrases in salience order, capped, and agrees with the text answer", () => {
  const keyed = (key: string, fields: object) => ({
    type: "object",
    properties: { [key]: { type: "object", properties: fields, required: Object.keys(fields), additionalProperties: false } },
    required: [key],
    additionalProperties: false,
  });
  const cite = (maxItems: number) => ({ type: "array", items: { type: "string", enum: refs }, maxItems });
  const score = { type: "integer", minimum: -100, maximum: 100 };
  const evidence = (key: string, maxItems = 8) => answer<Record<string, { cite: string[]; score: number }>>(keyed(key, { cite: cite(maxItems), score }), "Summarise.")[key]!;
  const text = (key: string) => answer<Record<string, { summary: string }>>(keyed(key, { summary: { type: "string", maxLength: 120 } }), "Summarise.")[key]!;

  // Service phrases: R1's "직원분들이 친절하세요." then R2's "직원이 불친절했어요." (one review each, prompt order); R3 and R4 say nothing of staff.
  assert.deepEqual(evidence("service"), { cite: ["R1", "R2"], score: 0 }, "one friendly and one unfriendly phrase balance");
  assert.equal(text("service").summary, "직원분들이 친절하세요.", "the text answer starts from the first cited phrase");
  // Taste phrases: "국물이 정말 진하고 깊어요." (R1 and R4: the most shared first), then R3's "맛은 보통이에요.".
  assert.deepEqual(evidence("taste").cite, ["R1", "R4", "R3"]);
  assert.deepEqual(evidence("taste", 2).cite, ["R1", "R4"], "capped at maxItems");
  assert.equal(evidence("taste").score, 67, "an integer score from the pool's cues: 진하, 깊어 positive, 보통 plain: 2 of 3");
  assert.deepEqual(evidence("parking"), { cite: [], score: 0 }, "no phrase names the topic");
  // No topic: every phrase by salience, the shared one first.
  const overall = answer<{ overall: { cite: string[] } }>(keyed("overall", { cite: cite(3) }), "Summarise.");
  assert.deepEqual(overall.overall.cite, ["R1", "R4", "R2"]);
});

test("an object that holds a ref is about that review: one item per review, each labelled from its own text", () => {
  const list = answer<Array<{ r: string; l: string }>>({
    type: "array",
    items: { type: "object", properties: { l: { enum: ["positive", "negative", "neutral"] }, r: { type: "string", enum: refs } }, required: ["r", "l"] },
  });
  assert.deepEqual(list, [
    { l: "positive", r: "R1" },
    { l: "negative", r: "R2" },
    { l: "neutral", r: "R3" },
    { l: "positive", r: "R4" },
  ]);
});

test("the same phrase always gets the same label when no cue decides", () => {
  const schema = { type: "object", properties: { topic: { enum: ["a", "b", "c", "d", "e"] }, text: { type: "string", maxLength: 40 } }, required: ["topic", "text"] };
  const labelFor = (instruction: string) => groundedJsonInstance(schema, { random: createRandom(7), words: ["w"] }, groundPrompt(instruction)) as { topic: string; text: string };
  const first = labelFor("한강 뷰.");
  assert.equal(first.text, "한강 뷰");
  for (let seed = 0; seed < 5; seed++) assert.deepEqual(groundedJsonInstance(schema, { random: createRandom(seed), words: ["w"] }, groundPrompt("한강 뷰.")), first);
});

test("every construct of random mode still validates in grounded mode", () => {
  for (const [i, schema] of schemas.entries()) {
    const validate = ajv.compile(schema);
    for (let seed = 0; seed < 20; seed++) {
      const value = groundedJsonInstance(schema, { random: createRandom(seed), words: ["w", "filler"] }, groundPrompt(promptWith("Answer.")));
      assert.ok(validate(value), `schema ${i} seed ${seed}: ${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}`);
    }
  }
});
