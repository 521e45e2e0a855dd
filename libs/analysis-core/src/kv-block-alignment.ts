// A fan-out sends the same prompt several times. vLLM's prefix cache serves a copy in whole KV
// blocks and computes the rest, at least its last token: padded to one token past a block boundary,
// each further copy costs one token of prefill instead of up to a block.
import { KV_BLOCK_TOKENS } from "./prefix-cache-estimate.js";
import { chatPromptTokens, type ChatTurn, type PromptTokenizer } from "./prompt-tokenizer.js";

/** One pad token: " -" neither merges with its neighbours nor with itself in Qwen2.5's tokenizer. */
export const PAD_UNIT = " -";

/** At most this many tokens of padding (the budget of a prompt that may be aligned keeps room for them). */
export const MAX_PAD_TOKENS = KV_BLOCK_TOKENS - 1;

export interface AlignedPrompt {
  messages: ChatTurn[];
  promptTokens: number;
}

const residue = (tokens: number, blockSize: number) => (((tokens - 1) % blockSize) + blockSize) % blockSize;

/**
 * `render(pad)` places the pad where it cannot change the tokens before it (the end of the last
 * message). Checked with the exact tokenizer: where no pad lands on the boundary, none is added.
 */
export function alignToKvBlock(render: (pad: string) => ChatTurn[], tokenizer: PromptTokenizer, blockSize = KV_BLOCK_TOKENS): AlignedPrompt {
  const plain = render("");
  const tokens = chatPromptTokens(tokenizer, plain);
  const missing = (blockSize - residue(tokens, blockSize)) % blockSize;
  if (missing === 0) return { messages: plain, promptTokens: tokens };
  for (const units of [missing, ...Array.from({ length: blockSize - 1 }, (_, i) => i + 1).filter((u) => u !== missing)]) {
    const messages = render(PAD_UNIT.repeat(units));
    const padded = chatPromptTokens(tokenizer, messages);
    if (residue(padded, blockSize) === 0 && padded - tokens <= MAX_PAD_TOKENS) return { messages, promptTokens: padded };
  }
  return { messages: plain, promptTokens: tokens };
}
