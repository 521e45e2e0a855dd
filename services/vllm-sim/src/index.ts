// What other packages may use without starting the server: the cost model and its profiles.
export { stepDurationMs, type CostProfile, type StepShape } from "./engine/cost-model.js";
export { profiles, qwen25_7b_h100 } from "./engine/profiles.js";
export type { StepRecord } from "./engine/step-log.js";
