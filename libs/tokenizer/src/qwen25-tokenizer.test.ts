import assert from "node:assert/strict";
import { test } from "node:test";
import { getTokenizer, renderQwen25Chat } from "./qwen25-tokenizer.js";

// Reference ids from Qwen/Qwen2.5-7B-Instruct's tokenizer (transformers AutoTokenizer).
test("encodes English and Korean with Qwen2.5's ids", () => {
  const tok = getTokenizer();
  assert.deepEqual(tok.encode("Hello, world!"), [9707, 11, 1879, 0]);
  assert.deepEqual(tok.encode("<|im_start|>system\nhi<|im_end|>\n"), [151644, 8948, 198, 6023, 151645, 198]);
  assert.equal(tok.count("Hello, world!"), 4);
  const korean = "맛있는 식당입니다. 직원이 친절해요!";
  assert.equal(tok.decode(tok.encode(korean)), korean);
});

test("Qwen3-only tokens are plain text for Qwen2.5", () => {
  const tok = getTokenizer();
  assert.ok(tok.count("<think>") > 1, "Qwen2.5 has no <think> token");
  assert.equal(tok.count("<tool_call>"), 1);
  assert.equal(tok.vocabSize, 151665);
});

test("loads once", () => {
  assert.equal(getTokenizer(), getTokenizer());
});

test("renders the chat template with the default system prompt", () => {
  assert.equal(
    renderQwen25Chat([{ role: "user", content: "Hi" }]),
    "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
      "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
  );
  assert.equal(
    renderQwen25Chat(
      [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello" },
      ],
      false,
    ),
    "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n",
  );
  // A chat prompt's count is what vLLM reports as prompt_tokens: 30 for one "Hi" turn.
  assert.equal(getTokenizer().count(renderQwen25Chat([{ role: "user", content: "Hi" }])), 30);
});

test("groups consecutive tool results into one user turn", () => {
  const text = renderQwen25Chat(
    [
      { role: "system", content: "S" },
      { role: "tool", content: "a" },
      { role: "tool", content: "b" },
    ],
    false,
  );
  assert.equal(
    text,
    "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\n<tool_response>\na\n</tool_response>\n<tool_response>\nb\n</tool_response><|im_end|>\n",
  );
});

test("token bytes rebuild the text, including characters split across tokens", () => {
  const tok = getTokenizer();
  const text = "Hello 맛집 <|im_end|>";
  const ids = tok.encode(text);
  const bytes = ids.flatMap((id) => Array.from(tok.tokenBytes(id)));
  assert.equal(Buffer.from(bytes).toString("utf8"), text);
  assert.deepEqual(Array.from(tok.tokenBytes(220)), [0x20]);
  assert.throws(() => tok.tokenBytes(151667), /outside/);
});
