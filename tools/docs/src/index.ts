// The docs generator: docs/configuration.md from the config schemas, figures spliced into pages.
export * from "./config-table.js";
export * from "./config-components.js";
export * from "./configuration-page.js";
export * from "./expected-docs.js";
export * from "./doc-links.js";
