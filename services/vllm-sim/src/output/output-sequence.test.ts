import assert from "node:assert/strict";
import { test } from "node:test";
import { getTokenizer } from "@reviewlens/tokenizer";
import { OutputSequence, type OutputOptions } from "./output-sequence.js";
import { createRandom } from "./random-source.js";
import { TokenText } from "./token-text.js";

const tokenizer = getTokenizer();
const text = new TokenText(tokenizer);
const options = (over: Partial<OutputOptions>): OutputOptions => ({
  planned: null,
  naturalLength: 5,
  maxTokens: 100,
  minTokens: 0,
  ignoreEos: false,
  stop: [],
  stopTokenIds: [],
  includeStopStrInOutput: false,
  eosTokenId: tokenizer.eosTokenId,
  random: createRandom(1),
  text,
  ...over,
});
function run(out: OutputSequence): { reason: string | null; tokens: number; streamed: string } {
  let reason: string | null = null;
  let tokens = 0;
  let streamed = "";
  while (reason === null) {
    reason = out.accept(out.sample());
    tokens++;
    streamed += out.takeDeltas().join("");
  }
  return { reason, tokens, streamed };
}

test("random words end with EOS after the natural length; EOS counts as a token and adds no text", () => {
  const out = new OutputSequence(options({ naturalLength: 5 }));
  const r = run(out);
  assert.equal(r.reason, "stop");
  assert.equal(r.tokens, 6);
  assert.equal(r.streamed, out.text);
  assert.match(out.text, /^( [a-z]+){5}$/);
});

test("a planned text splits multi-byte characters across tokens yet streams whole characters", () => {
  const planned = tokenizer.encode("맛있는 김치찌개 😀");
  const out = new OutputSequence(options({ planned }));
  const r = run(out);
  assert.equal(r.streamed, "맛있는 김치찌개 😀");
  assert.equal(r.tokens, planned.length + 1);
});

test("a stop string spanning tokens is held back and never streamed", () => {
  const planned = tokenizer.encode("the cat sat on the mat");
  const out = new OutputSequence(options({ planned, stop: ["on the"] }));
  const r = run(out);
  assert.equal(r.reason, "stop");
  assert.equal(out.stopReason, "on the");
  assert.equal(r.streamed, "the cat sat ");
  assert.equal(out.text, "the cat sat ");
});

test("max_tokens wins over a longer plan; ignore_eos continues with random words", () => {
  const planned = tokenizer.encode("a b c d e f");
  assert.equal(run(new OutputSequence(options({ planned, maxTokens: 3 }))).reason, "length");
  const long = run(new OutputSequence(options({ planned, ignoreEos: true, maxTokens: 40 })));
  assert.equal(long.reason, "length");
  assert.equal(long.tokens, 40);
});
