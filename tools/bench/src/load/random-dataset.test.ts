// Prompts of the random data set have the token lengths asked for, by Qwen2.5's own tokenizer.
import assert from "node:assert/strict";
import { it } from "node:test";
import { loadQwenTokenizer } from "./qwen-tokenizer.js";
import { promptsOfLengths, randomDataset } from "./random-dataset.js";
import { RandomSource } from "./random-source.js";
import { reviewDataset } from "./review-dataset.js";
import { sampleShareGptLengths } from "./sharegpt-lengths.js";

it("random prompts have exactly their sampled length plus the shared prefix", () => {
  const tokenizer = loadQwenTokenizer();
  const requests = randomDataset({ numPrompts: 20, inputLen: 200, outputLen: 32, rangeRatio: 0.5, prefixLen: 64 }, new RandomSource(1), tokenizer);
  const prefix = requests[0]!.prompt.slice(0, 40);
  for (const r of requests) {
    assert.ok(r.promptLen >= 100 + 64 - 2 && r.promptLen <= 300 + 64 + 2, `prompt of ${r.promptLen} tokens`);
    assert.equal(tokenizer.encode(r.prompt).length, r.promptLen);
    assert.ok(r.prompt.startsWith(prefix), "every prompt shares the prefix");
    assert.ok(r.outputLen >= 16 && r.outputLen <= 48);
  }
});

it("review prompts carry Korean reviews and count their tokens", () => {
  const tokenizer = loadQwenTokenizer();
  const requests = reviewDataset({ numPrompts: 5, seed: 3, restaurants: 2, reviewsPerPrompt: 4, outputLen: 64 }, tokenizer);
  assert.equal(requests.length, 5);
  for (const r of requests) {
    assert.match(r.prompt, /<review id="/);
    assert.match(r.prompt, /[가-힣]/);
    assert.equal(r.promptLen, tokenizer.encode(r.prompt).length);
  }
});

it("ShareGPT-shaped prompts have exactly their drawn token lengths and keep their output lengths", () => {
  const tokenizer = loadQwenTokenizer();
  const lengths = sampleShareGptLengths(30, new RandomSource(4));
  const requests = promptsOfLengths(lengths, new RandomSource(5), tokenizer);
  requests.forEach((r, i) => {
    assert.equal(tokenizer.encode(r.prompt).length, r.promptLen);
    assert.ok(Math.abs(r.promptLen - lengths[i]!.input) <= 2, `prompt ${r.promptLen} for ${lengths[i]!.input}`);
    assert.equal(r.outputLen, lengths[i]!.output);
  });
});
