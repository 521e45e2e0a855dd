export * from "./otlp-receiver.js";
export * from "./service-process.js";
export * from "./wait.js";
export * from "./recording-http-server.js";
export * from "./test-database.js";
export * from "./capture-logger.js";
export * from "./analysis-stack.js";
export * from "./free-port.js";
