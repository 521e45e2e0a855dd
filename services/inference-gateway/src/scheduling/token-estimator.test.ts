import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { countScripts, TokenEstimator } from "./token-estimator.js";

test("characters are counted per script", () => {
  assert.deepEqual(countScripts("맛있어요 great! 寿司"), { hangul: 4, latin: 8, other: 2 });
  // A character outside the BMP (two UTF-16 units) is one character; a lone surrogate is one too.
  assert.deepEqual(countScripts("맛🍜a\ud800b"), { hangul: 1, latin: 2, other: 2 });
});

test("every code point of any text is counted once, Hangul and Latin by their ranges", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 200 }), fc.string({ unit: "grapheme-composite", maxLength: 50 }), (a, b) => {
      const text = a + b;
      const counts = countScripts(text);
      const codePoints = Array.from(text);
      assert.equal(counts.hangul + counts.latin + counts.other, codePoints.length);
      assert.equal(counts.hangul, codePoints.filter((c) => /^[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]$/u.test(c)).length);
      assert.equal(counts.latin, codePoints.filter((c) => c.codePointAt(0)! <= 0x024f).length);
    }),
  );
});

test("pure-script prompts converge to their true tokens per character", () => {
  const estimator = new TokenEstimator({ initial: { hangul: 0.5, latin: 0.5 } });
  const korean = "가".repeat(200);
  const english = "a".repeat(400);
  for (let i = 0; i < 60; i++) {
    estimator.observe(korean, 160); // 0.8 tokens per Hangul character
    estimator.observe(english, 100); // 0.25 tokens per Latin character
  }
  const ratios = Object.fromEntries(estimator.calibration().map((c) => [c.script, c.tokensPerChar]));
  assert.ok(Math.abs(ratios["hangul"]! - 0.8) < 0.01, `hangul ${ratios["hangul"]}`);
  assert.ok(Math.abs(ratios["latin"]! - 0.25) < 0.01, `latin ${ratios["latin"]}`);
  assert.equal(estimator.estimate("가".repeat(100) + "a".repeat(100)), 105);
});

test("mixed prompts learn both ratios", () => {
  const estimator = new TokenEstimator({ initial: { hangul: 0.3, latin: 0.6 } });
  const truth = (h: number, l: number) => 0.8 * h + 0.25 * l;
  for (let i = 0; i < 400; i++) {
    const h = 50 + ((i * 37) % 300);
    const l = 50 + ((i * 53) % 300);
    estimator.observe("가".repeat(h) + "a".repeat(l), truth(h, l));
  }
  const text = "가".repeat(300) + "a".repeat(100);
  const estimate = estimator.estimate(text);
  assert.ok(Math.abs(estimate - truth(300, 100)) / truth(300, 100) < 0.05, `estimate ${estimate}`);
});

test("template overhead is excluded from what is learned", () => {
  const estimator = new TokenEstimator({ initial: { latin: 0.25 } });
  for (let i = 0; i < 20; i++) estimator.observe("a".repeat(400), 130, 30);
  assert.ok(Math.abs(estimator.calibration().find((c) => c.script === "latin")!.tokensPerChar - 0.25) < 1e-9);
  assert.equal(estimator.estimate("a".repeat(400), 30), 130);
});

test("samples count observations per script", () => {
  const estimator = new TokenEstimator();
  estimator.observe("abc", 1);
  estimator.observe("가나", 2);
  const samples = Object.fromEntries(estimator.calibration().map((c) => [c.script, c.samples]));
  assert.deepEqual(samples, { hangul: 1, latin: 1, other: 0 });
});
