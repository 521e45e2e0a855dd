import assert from "node:assert/strict";
import { test } from "node:test";
import { countPolarity, mainTopics, polarityNamed, polarityOf, polarityScore, requestedPolarity, topicHits, topicNamed } from "./cue-words.js";

test("a longer cue wins over the cue it contains: 불친절 is negative, not 친절", () => {
  assert.deepEqual(countPolarity("직원이 불친절했어요."), { positive: 0, negative: 1, neutral: 0 });
  assert.deepEqual(countPolarity("직원이 친절해요."), { positive: 1, negative: 0, neutral: 0 });
  assert.equal(polarityOf(countPolarity("추천하지 않아요.")), "negative");
});

test("polarity by the most cues, neutral when none wins; the score is their balance", () => {
  assert.equal(polarityOf(countPolarity("The pasta was delicious and the staff friendly.")), "positive");
  assert.equal(polarityOf(countPolarity("맛은 보통이에요.")), "neutral");
  assert.equal(polarityOf(countPolarity("맛있어요. 너무 비싸요.")), "neutral");
  assert.equal(polarityOf(countPolarity("no cue words at all")), "neutral");
  assert.equal(polarityScore(countPolarity("맛있어요. 최고예요. 너무 비싸요.")), 1 / 3);
  assert.equal(polarityScore(countPolarity("nothing")), 0);
});

test("labels name polarities and topics in long and short spellings", () => {
  assert.deepEqual(["positive", "NEG", "u", 1, -1, "banana"].map(polarityNamed), ["positive", "negative", "neutral", "positive", "negative", undefined]);
  assert.equal(topicNamed("price_value")?.names[0], "price");
  assert.equal(topicNamed("waiting_time")?.names[0], "waiting");
  assert.equal(topicNamed("pv"), undefined);
  assert.equal(topicHits(topicNamed("taste")!, "국물이 진하고 맛있어요"), 2);
});

test("an instruction asks for a polarity only when it names one", () => {
  assert.equal(requestedPolarity("Extract the praised claims of every review above by its ref."), "positive");
  assert.equal(requestedPolarity("List the complaints."), "negative");
  assert.equal(requestedPolarity("List what is positive and what is negative."), undefined);
  assert.equal(requestedPolarity("Label every review above by its ref."), undefined);
});

test("a phrase is mainly about the topics with the most cues in it, all of them on a tie", () => {
  const names = (text: string) => mainTopics(text).map((t) => t.names[0]);
  assert.deepEqual(names("푸짐하게 나와서 배불렀어요"), ["portion"], "two portion cues beat one of waiting (나와)");
  assert.deepEqual(names("음식이 빨리 나와요"), ["waiting"]);
  assert.deepEqual(names("직원이 맛집을 추천해줬어요"), ["taste", "service"]);
  assert.deepEqual(names("또 올게요"), []);
});
