import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { prefixBlockKeys } from "./prefix-blocks.js";

const options = () => ({ blockTokens: 4, blockChars: 8, maxBlocks: 6 });

test("two texts share their first n keys exactly when they share their first n blocks, remembered or not", () => {
  const remembered = options();
  fc.assert(
    fc.property(fc.string({ minLength: 0, maxLength: 70 }), fc.nat(69), fc.string({ minLength: 1, maxLength: 1 }), (text, at, replacement) => {
      const changed = at < text.length ? text.slice(0, at) + (text[at] === replacement ? `${replacement}x` : replacement) + text.slice(at + 1) : text;
      for (const prompt of [text, changed, text]) assert.deepEqual(prefixBlockKeys(prompt, remembered), prefixBlockKeys(prompt, options()));
      const [a, b] = [prefixBlockKeys(text, remembered), prefixBlockKeys(changed, remembered)];
      const sharedBlocks = Math.min(Math.floor(Math.min(at, text.length, changed.length) / 8), a.length, b.length);
      const sharedKeys = a.findIndex((key, i) => key !== b[i]);
      assert.equal(sharedKeys === -1 ? Math.min(a.length, b.length) : sharedKeys, changed === text ? Math.min(a.length, b.length) : sharedBlocks);
    }),
  );
});

test("token ids are cut in blocks of blockTokens, at most maxBlocks", () => {
  const ids = Array.from({ length: 30 }, (_, i) => i);
  assert.equal(prefixBlockKeys(ids, options()).length, 6);
  assert.equal(prefixBlockKeys(ids.slice(0, 11), options()).length, 2);
  assert.deepEqual(prefixBlockKeys(ids.slice(0, 11), options()), prefixBlockKeys(ids, options()).slice(0, 2));
});
