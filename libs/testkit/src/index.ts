export * from "./otlp-receiver.js";
export * from "./service-process.js";
export * from "./wait.js";
