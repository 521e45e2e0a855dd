import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getTokenizer } from "@reviewlens/tokenizer";
import { alignSystemPrompt, alignToKvBlock, chatPromptTokens, type ChatTurn } from "../src/index.js";

const tokenizer = getTokenizer();
const texts = ["Label each review.", "리뷰를 요약하세요. Answer in JSON.", "x".repeat(37), "You write the strengths of a restaurant.\nAnswer with one JSON object."];

describe("KV block alignment (Qwen2.5 tokens)", () => {
  it("pads instructions so the user turn after them starts on a 16-token block boundary", () => {
    for (const text of texts) {
      const aligned = alignSystemPrompt(text, tokenizer);
      assert.ok(aligned.startsWith(text) && aligned.length - text.length <= 30, JSON.stringify(aligned));
      const before = tokenizer.count(`${tokenizer.renderChat([{ role: "system", content: aligned }], false)}<|im_start|>user\n`);
      assert.equal(before % 16, 0, JSON.stringify(text));
      assert.equal(alignSystemPrompt(text, tokenizer), aligned, "the same text, the same pad");
    }
  });

  it("pads a prompt at its end to one token past a block boundary", () => {
    for (const text of texts) {
      const render = (pad: string): ChatTurn[] => [
        { role: "system", content: "Label each review." },
        { role: "user", content: `<reviews>\n${text}\n</reviews>${pad}` },
      ];
      const { messages, promptTokens } = alignToKvBlock(render, tokenizer);
      assert.equal(promptTokens, chatPromptTokens(tokenizer, messages));
      assert.equal(promptTokens % 16, 1, JSON.stringify(text));
      assert.ok(promptTokens - chatPromptTokens(tokenizer, render("")) < 16);
      // Given the unpadded prompt and its count, the same pad without encoding the prompt again.
      const unpadded = { messages: render(""), promptTokens: chatPromptTokens(tokenizer, render("")) };
      const counting = { ...tokenizer, count: (t: string) => (counted.push(t), tokenizer.count(t)) };
      const counted: string[] = [];
      assert.deepEqual(alignToKvBlock(render, counting, unpadded), { messages, promptTokens });
      assert.ok(!counted.includes(tokenizer.renderChat(unpadded.messages, true)), "the unpadded prompt is not counted again");
    }
  });
});
