// The ShareGPT-shaped lengths: vLLM's filter holds, the means are the published totals, the tail is long.
import assert from "node:assert/strict";
import { it } from "node:test";
import { RandomSource } from "./random-source.js";
import { keptByVllmFilter, sampleShareGptLengths, shareGptShape } from "./sharegpt-lengths.js";

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

it("5000 requests average 215 prompt and 197 output tokens, inside vLLM's filter", () => {
  const lengths = sampleShareGptLengths(5000, new RandomSource(7));
  for (const { input, output } of lengths) assert.ok(keptByVllmFilter(input, output), `${input}/${output}`);
  assert.ok(Math.abs(mean(lengths.map((l) => l.input)) / 215.2 - 1) < 0.05);
  assert.ok(Math.abs(mean(lengths.map((l) => l.output)) / 197.5 - 1) < 0.05);
});

it("is long-tailed: the median is well under the mean and some prompts approach the 1024 cap", () => {
  const inputs = sampleShareGptLengths(5000, new RandomSource(8)).map((l) => l.input);
  assert.ok(median(inputs) < 0.6 * mean(inputs), `median ${median(inputs)} mean ${mean(inputs)}`);
  assert.ok(inputs.filter((n) => n > 800).length > 50);
  assert.ok(inputs.filter((n) => n < 20).length > 250);
});

it("outputs are memoryless: as many outputs exceed twice the median as the median's double predicts", () => {
  const outputs = sampleShareGptLengths(5000, new RandomSource(10)).map((l) => l.output);
  const m = median(outputs);
  const beyond = (x: number) => outputs.filter((o) => o > x).length / outputs.length;
  assert.ok(Math.abs(beyond(2 * m) - 0.25) < 0.04, `P(> 2 median) = ${beyond(2 * m)}`);
});

it("other means (a base model that stops earlier) move the scale, not the prompts' spread", () => {
  const shape = shareGptShape(215.2, 128.3);
  const outputs = sampleShareGptLengths(5000, new RandomSource(9), shape).map((l) => l.output);
  assert.ok(Math.abs(mean(outputs) / 128.3 - 1) < 0.05);
  assert.equal(shape.inputSigma, shareGptShape().inputSigma);
  assert.throws(() => shareGptShape(2, 100), /mean lengths/);
});
