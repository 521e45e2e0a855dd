export * from "./free-ports.js";
export * from "./readiness.js";
