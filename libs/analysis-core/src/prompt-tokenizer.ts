// Prompts are measured with the one PromptTokenizer interface (@reviewlens/tokenizer): the exact
// Qwen2.5 tokenizer in the services, simpler ones in unit tests.
import type { ChatTurn, PromptTokenizer } from "@reviewlens/tokenizer";

export type { ChatTurn, PromptTokenizer };

/** Exact prompt tokens of chat messages as the backend will see them (chat template included). */
export const chatPromptTokens = (tokenizer: PromptTokenizer, messages: ChatTurn[]): number =>
  tokenizer.count(tokenizer.renderChat(messages, true));
