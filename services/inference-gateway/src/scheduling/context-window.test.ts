import assert from "node:assert/strict";
import { test } from "node:test";
import { checkEstimateFitsContext, ESTIMATE_MARGIN } from "./context-window.js";

test("a prompt clearly beyond the context is refused naming the prompt", () => {
  assert.throws(() => checkEstimateFitsContext(80_000, 16, 32_768), /request\.prompt: about 80000 prompt tokens .* context of 32768 tokens/);
});

test("max_tokens counts against the context as vLLM counts it", () => {
  assert.throws(() => checkEstimateFitsContext(100, 32_768, 32_768), /max_tokens 32768/);
  assert.doesNotThrow(() => checkEstimateFitsContext(100, 32_000, 32_768));
});

test("an estimate within the estimator's error of the context is left to the backend", () => {
  const context = 32_768;
  assert.doesNotThrow(() => checkEstimateFitsContext(Math.floor((context - 512) * ESTIMATE_MARGIN), 512, context));
  assert.throws(() => checkEstimateFitsContext(Math.ceil((context - 511) * ESTIMATE_MARGIN), 512, context));
});

test("the refusal names the field it is given (an embedding input)", () => {
  assert.throws(() => checkEstimateFitsContext(80_000, 0, 32_768, "texts[3]"), /^InvalidArgumentError: texts\[3\]: about 80000 prompt tokens/);
});

test("no known context, no check (a backend that does not report max_model_len)", () => {
  assert.doesNotThrow(() => checkEstimateFitsContext(10_000_000, 512, undefined));
});
