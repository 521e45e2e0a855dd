export * from "./commands/analyze.js";
export * from "./commands/ingest.js";
export * from "./commands/search.js";
export * from "./commands/status.js";
export * from "./connection.js";
export * from "./main.js";
export * from "./render.js";
