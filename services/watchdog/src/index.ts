// The watchdog's domain and adapters, for tests and tools (the program itself is main.ts).
export * from "./signals.js";
export * from "./idle-policy.js";
export * from "./idle-threshold.js";
export * from "./cold-start-idle-limit.js";
export * from "./config.js";
export * from "./scheduled-runs.js";
export * from "./scheduled-stop-rule.js";
