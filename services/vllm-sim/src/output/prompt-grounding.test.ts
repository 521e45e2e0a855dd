import assert from "node:assert/strict";
import { test } from "node:test";
import { groundedText, groundPrompt, keyWords, splitPhrases } from "./prompt-grounding.js";

const prompt = [
  "<reviews>",
  '<review ref="R1">국물이 진해요. 또 올게요!</review>',
  '<review ref="R2">또 올게요! 가격은 &lt;적당&gt;해요 &amp; 좋아요.</review>',
  '<review ref="R3">직원이 불친절했어요.</review>',
  "</reviews>",
  "Summarise these reviews. Aspects: price_value.",
].join("\n");

test("every element with a ref is a source, its text unescaped and split into phrases", () => {
  const g = groundPrompt(prompt);
  assert.deepEqual(g.sources.map((s) => s.ref), ["R1", "R2", "R3"]);
  assert.equal(g.bySource.get("R2")!.text, "또 올게요! 가격은 <적당>해요 & 좋아요.");
  assert.deepEqual(g.bySource.get("R2")!.phrases.map((p) => p.text), ["또 올게요!", "가격은 <적당>해요 & 좋아요."]);
});

test("salient phrases: the ones most elements share first, each with every ref holding it", () => {
  const g = groundPrompt(prompt);
  assert.deepEqual(g.salient[0], { text: "또 올게요!", refs: ["R1", "R2"] });
  assert.deepEqual(g.salient.slice(1).map((p) => p.text), ["국물이 진해요.", "가격은 <적당>해요 & 좋아요.", "직원이 불친절했어요."]);
  assert.equal(groundedText(g), "또 올게요! 국물이 진해요.");
});

test("the instructions outside the elements name the topic and the polarity asked for", () => {
  assert.equal(groundPrompt(prompt).instructionTopic?.names[0], "price");
  assert.equal(groundPrompt(prompt.replace("price_value", "price_value, taste")).instructionTopic, undefined);
  const praised = groundPrompt(prompt.replace("Summarise these reviews. Aspects: price_value.", "Extract the praised claims of every review above by its ref."));
  assert.equal(praised.instructionPolarity, "positive");
  assert.deepEqual(praised.bySource.get("R3")!.phrases, [], "a negative phrase is no praised claim");
  assert.deepEqual(praised.bySource.get("R2")!.phrases.map((p) => p.text), ["또 올게요!"], "praise only: 적당 (plain) and 좋아 (positive) tie");
  const plainPraise = groundPrompt('<review ref="R1">맛은 보통이에요. 국물이 진해요.</review>\nExtract the praised claims.');
  assert.deepEqual(plainPraise.bySource.get("R1")!.phrases.map((p) => p.text), ["국물이 진해요."], "a plain phrase is no praise either");
  assert.equal(praised.bySource.get("R3")!.text, "직원이 불친절했어요.");
});

test("claims lists split on their separators; a prompt without elements is one source", () => {
  assert.deepEqual(splitPhrases("숯불 향 | 수제 생면\n면발이 쫄깃해요"), ["숯불 향", "수제 생면", "면발이 쫄깃해요"]);
  const plain = groundPrompt("Hello there. How are you?");
  assert.deepEqual(plain.sources.map((s) => [s.ref, s.phrases.map((p) => p.text)]), [["", ["Hello there.", "How are you?"]]]);
  assert.deepEqual(groundPrompt("   ").sources, []);
});

test("key words: what a phrase is about and its first judgement, without particles and sentence endings", () => {
  assert.equal(keyWords("회가 정말 신선하고 두툼해요."), "회 신선하고");
  assert.equal(keyWords("직접 뽑은 면이라 면발이 쫄깃해요."), "면발 쫄깃");
  assert.equal(keyWords("이 가격에 이 퀄리티면 훌륭해요."), "가격 훌륭", "a topic word loses its particle too");
  assert.equal(keyWords("매장이 깨끗해요."), "매장 깨끗");
});

test("key words without a subject and a judgement: the phrase without end punctuation and, from three words on, its last word", () => {
  assert.equal(keyWords("또 올게요!"), "또 올게요");
  assert.equal(keyWords("숯불 향이 고기에 제대로 배어 있어요."), "숯불 향이 고기에 제대로 배어");
  assert.equal(keyWords("The pasta was delicious."), "The pasta was");
});
