import assert from "node:assert/strict";
import { test } from "node:test";
import { effectiveProfile, readSimConfig } from "./config.js";
import { qwen25_7b_h200 } from "./engine/profiles.js";

test("flags override environment variables, which override defaults", () => {
  const config = readSimConfig(["--time-scale", "0.5", "--max-num-seqs", "7"], { VLLM_SIM_TIME_SCALE: "0.1", VLLM_SIM_PORT: "9999" });
  assert.equal(config.VLLM_SIM_TIME_SCALE, 0.5);
  assert.equal(config.VLLM_SIM_MAX_NUM_SEQS, 7);
  assert.equal(config.VLLM_SIM_PORT, 9999);
  assert.equal(config.VLLM_SIM_MAX_NUM_BATCHED_TOKENS, 8192);
});

test("a bad value names both the flag and the variable", () => {
  assert.throws(() => readSimConfig(["--time-scale", "fast"], {}), /VLLM_SIM_TIME_SCALE \(--time-scale\)/);
  assert.throws(() => readSimConfig(["--no-such-flag", "1"], {}), /no-such-flag/);
  assert.throws(() => readSimConfig(["--output", "poetic"], {}), /VLLM_SIM_OUTPUT \(--output\)/);
  assert.equal(readSimConfig([], { VLLM_SIM_OUTPUT: "grounded" }).VLLM_SIM_OUTPUT, "grounded");
});

test("profile constants are overridable and max_model_len never exceeds the KV capacity", () => {
  const profile = effectiveProfile(readSimConfig(["--step-base-ms", "2", "--kv-capacity-tokens", "4096"], {}));
  assert.equal(profile.stepBaseMs, 2);
  assert.equal(profile.perDecodeSeqMs, 0.0077);
  assert.equal(profile.maxModelLen, 4096);
});

test("the fitted overhead terms are overridable and the H200 profile is selectable", () => {
  const profile = effectiveProfile(readSimConfig(["--profile", "qwen2.5-7b-h200", "--step-overhead-ms", "0", "--per-context-token-overhead-ms", "1e-5"], {}));
  assert.equal(profile.name, "qwen2.5-7b-h200");
  assert.equal(profile.stepBaseMs, 4.17);
  assert.equal(profile.stepOverheadMs, 0);
  assert.equal(profile.perContextTokenOverheadMs, 1e-5);
  assert.equal(profile.perDecodeSeqOverheadMs, qwen25_7b_h200.perDecodeSeqOverheadMs);
  assert.throws(() => readSimConfig(["--profile", "qwen2.5-7b-a100"], {}), /VLLM_SIM_PROFILE/);
});

test("admission caps are unset by default and read from flags; endpoints to leave out are checked by name", () => {
  const defaults = readSimConfig([], {});
  assert.equal(defaults.VLLM_SIM_MAX_NUM_QUEUED_REQS, undefined);
  assert.equal(defaults.VLLM_SIM_MAX_NUM_QUEUED_TOKENS, undefined);
  assert.deepEqual(defaults.VLLM_SIM_DISABLE_ENDPOINTS, []);
  const set = readSimConfig(["--max-num-queued-reqs", "0", "--max-num-queued-tokens", "32000", "--disable-endpoints", "metrics, tokenize"], {});
  assert.equal(set.VLLM_SIM_MAX_NUM_QUEUED_REQS, 0);
  assert.equal(set.VLLM_SIM_MAX_NUM_QUEUED_TOKENS, 32000);
  assert.deepEqual(set.VLLM_SIM_DISABLE_ENDPOINTS, ["metrics", "tokenize"]);
  assert.throws(() => readSimConfig(["--disable-endpoints", "metrics,models"], {}), /VLLM_SIM_DISABLE_ENDPOINTS \(--disable-endpoints\).*metrics, tokenize, health/);
  assert.throws(() => readSimConfig(["--max-num-queued-reqs=-1"], {}), /VLLM_SIM_MAX_NUM_QUEUED_REQS \(--max-num-queued-reqs\)/);
});
