export type { ChatTurn, PromptTokenizer } from "./prompt-tokenizer.js";
export * from "./qwen25-tokenizer.js";
export * from "./encode-memo.js";
