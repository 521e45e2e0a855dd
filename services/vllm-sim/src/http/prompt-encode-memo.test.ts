import assert from "node:assert/strict";
import { test } from "node:test";
import { getTokenizer } from "@reviewlens/tokenizer";
import { memoizeLongEncodes } from "./prompt-encode-memo.js";

test("a long text encodes to the tokenizer's ids, the second time from the memo, and the memo keeps the most recent texts", () => {
  const tokenizer = getTokenizer();
  let calls = 0;
  const counting = { ...tokenizer, encode: (text: string) => (calls++, tokenizer.encode(text)) };
  const memo = memoizeLongEncodes(counting, 2, 10);
  const long = (i: number) => `국물이 진하고 맛있어요 ${i} `.repeat(5);
  assert.deepEqual(memo.encode(long(1)), tokenizer.encode(long(1)));
  assert.equal(memo.count(long(1)), tokenizer.count(long(1)));
  assert.equal(calls, 1, "the repeat came from the memo");
  memo.encode("short");
  memo.encode("short");
  assert.equal(calls, 3, "short texts are not kept");
  memo.encode(long(2));
  memo.encode(long(1));
  memo.encode(long(3));
  assert.equal(calls, 5);
  memo.encode(long(2));
  assert.equal(calls, 6, "the least recently used text was dropped");
});
