// The slice of the exact Qwen2.5 tokenizer (@reviewlens/tokenizer) that prompt building needs.
export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface PromptTokenizer {
  encode(text: string): number[];
  decode(ids: number[]): string;
  count(text: string): number;
  renderChat(messages: ChatTurn[], addGenerationPrompt?: boolean): string;
}

/** Exact prompt tokens of chat messages as the backend will see them (chat template included). */
export const chatPromptTokens = (tokenizer: PromptTokenizer, messages: ChatTurn[]): number =>
  tokenizer.count(tokenizer.renderChat(messages, true));
