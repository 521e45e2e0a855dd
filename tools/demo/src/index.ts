export * from "./free-ports.js";
export * from "./readiness.js";
export * from "./demo-config.js";
