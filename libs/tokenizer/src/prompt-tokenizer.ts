// The slice of the exact Qwen2.5 tokenizer that building prompts needs: the analyses' chat prompts
// (analysis-core) and the load generator's prompts of exact token lengths (tools/bench). Unit tests
// implement it with simpler tokenizers.

/** One turn of a chat prompt we build. */
export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface PromptTokenizer {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  count(text: string): number;
  renderChat(messages: readonly ChatTurn[], addGenerationPrompt?: boolean): string;
  /** Token ids run from 0 to vocabSize - 1. */
  readonly vocabSize: number;
}
