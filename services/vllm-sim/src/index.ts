// What other packages may use without starting the server: the cost model, its profiles, and the
// engine itself for virtual-time models (calibration, policy models).
export { kernelDurationMs, overheadDurationMs, stepDurationMs, type CostProfile, type StepShape } from "./engine/cost-model.js";
export { profiles, qwen25_7b_h100, qwen25_7b_h200, VLLM_OVERHEAD } from "./engine/profiles.js";
export { EngineCore, type EngineConfig, type EngineObserver } from "./engine/engine-core.js";
export { EngineRequest, type TokenOutput, type RequestListener, type FinishReason } from "./engine/engine-request.js";
export type { StepRecord } from "./engine/step-log.js";
