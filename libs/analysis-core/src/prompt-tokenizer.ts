// Prompts are measured with the one PromptTokenizer interface (@reviewlens/tokenizer): the exact
// Qwen2.5 tokenizer in the services, simpler ones in unit tests.
import { getTokenizer, memoizeEncodes, type ChatTurn, type PromptTokenizer } from "@reviewlens/tokenizer";

export type { ChatTurn, PromptTokenizer };

/** Exact prompt tokens of chat messages as the backend will see them (chat template included). */
export const chatPromptTokens = (tokenizer: PromptTokenizer, messages: ChatTurn[]): number =>
  tokenizer.count(tokenizer.renderChat(messages, true));

/**
 * The analysis services' tokenizer: the exact Qwen2.5 one, keeping recent encodes. Every analysis of
 * a restaurant plans the same review blocks (and each kind its same instructions) again: planning a
 * summary after another analysis of the same reviews took 3.2 ms with it against 5.7 ms without.
 */
export const analysisTokenizer = (): PromptTokenizer => memoizeEncodes(getTokenizer(), { maxChars: 2_000_000 });
