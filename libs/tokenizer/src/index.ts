export * from "./qwen25-tokenizer.js";
