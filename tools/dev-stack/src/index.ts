export * from "./components.js";
export * from "./dev-stack.js";
