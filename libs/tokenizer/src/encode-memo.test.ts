import assert from "node:assert/strict";
import { test } from "node:test";
import { getTokenizer } from "./qwen25-tokenizer.js";
import { memoizeEncodes } from "./encode-memo.js";

test("a text encodes to the tokenizer's ids, the second time from the memo, and the memo keeps the most recent texts by length", () => {
  const tokenizer = getTokenizer();
  let calls = 0;
  const counting = { ...tokenizer, encode: (text: string) => (calls++, tokenizer.encode(text)) };
  const long = (i: number) => `국물이 진하고 맛있어요 ${i} `.repeat(5);
  // Room for two of these texts.
  const memo = memoizeEncodes(counting, { maxChars: 2 * long(1).length, minChars: 10 });
  assert.deepEqual(memo.encode(long(1)), tokenizer.encode(long(1)));
  assert.equal(memo.count(long(1)), tokenizer.count(long(1)));
  assert.equal(calls, 1, "the repeat came from the memo");
  memo.encode("short");
  memo.encode("short");
  assert.equal(calls, 3, "texts under minChars are not kept");
  memo.encode(long(2));
  memo.encode(long(1));
  memo.encode(long(3));
  assert.equal(calls, 5);
  memo.encode(long(1));
  assert.equal(calls, 5, "the most recently used text stayed");
  memo.encode(long(2));
  assert.equal(calls, 6, "the least recently used text was dropped");
  const chat = [{ role: "user" as const, content: "안녕" }];
  assert.equal(memoizeEncodes(counting, { maxChars: 100 }).renderChat(chat), tokenizer.renderChat(chat), "the rest of the tokenizer as it is");
});
