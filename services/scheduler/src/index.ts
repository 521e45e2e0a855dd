// The scheduler's planning logic, for the CLI and the simulated day.
export * from "./run-plan.js";
export * from "./tier-table.js";
export * from "./update-score.js";
export * from "./ports.js";
export { runOnce, type RunOnceInput, type RunSummary } from "./run-once.js";
