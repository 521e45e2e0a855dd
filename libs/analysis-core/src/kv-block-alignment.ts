// vLLM's prefix cache serves whole KV blocks of a prompt and computes the rest, at least its last
// token. A fan-out sends the same prompt several times: padded to one token past a block boundary,
// each further copy costs one token of prefill instead of up to a block. Instructions shared by
// every prompt of an analysis: padded to end on a block boundary, they are served whole.
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

/** 1 to blockSize - 1: the pads tried when the first guess lands off the boundary (tokens merged). */
const unitCounts = (blockSize: number) => Array.from({ length: blockSize - 1 }, (_, i) => i + 1);

const residue = (tokens: number, blockSize: number) => (((tokens - 1) % blockSize) + blockSize) % blockSize;

/**
 * `render(pad)` places the pad where it cannot change the tokens before it (the end of the last
 * message). Checked with the exact tokenizer: where no pad lands on the boundary, none is added.
 * `unpadded`: `render("")` and its token count when the caller has them (a whole prompt's encoding
 * is milliseconds before the requests go out).
 */
export function alignToKvBlock(render: (pad: string) => ChatTurn[], tokenizer: PromptTokenizer, unpadded?: AlignedPrompt, blockSize = KV_BLOCK_TOKENS): AlignedPrompt {
  const plain = unpadded?.messages ?? render("");
  const tokens = unpadded?.promptTokens ?? chatPromptTokens(tokenizer, plain);
  const missing = (blockSize - residue(tokens, blockSize)) % blockSize;
  if (missing === 0) return { messages: plain, promptTokens: tokens };
  for (const units of [missing, ...unitCounts(blockSize).filter((u) => u !== missing)]) {
    const messages = render(PAD_UNIT.repeat(units));
    const padded = chatPromptTokens(tokenizer, messages);
    if (residue(padded, blockSize) === 0 && padded - tokens <= MAX_PAD_TOKENS) return { messages, promptTokens: padded };
  }
  return { messages: plain, promptTokens: tokens };
}

const alignedSystemPrompts = new WeakMap<PromptTokenizer, Map<string, string>>();

/**
 * The system prompt padded so that the user turn after it starts on a KV block boundary: every
 * prompt with these instructions then finds all of them in the prefix cache, and no prompt computes
 * their last partial block again. Padded once per text and tokenizer.
 */
export function alignSystemPrompt(content: string, tokenizer: PromptTokenizer, blockSize = KV_BLOCK_TOKENS): string {
  let memo = alignedSystemPrompts.get(tokenizer);
  if (!memo) alignedSystemPrompts.set(tokenizer, (memo = new Map<string, string>()));
  let aligned = memo.get(content);
  if (aligned === undefined) {
    const before = (text: string) => tokenizer.count(`${tokenizer.renderChat([{ role: "system", content: text }], false)}<|im_start|>user\n`);
    const missing = (blockSize - (before(content) % blockSize)) % blockSize;
    const tries = missing === 0 ? [] : [missing, ...unitCounts(blockSize).filter((u) => u !== missing)];
    aligned = tries.map((units) => content + PAD_UNIT.repeat(units)).find((padded) => before(padded) % blockSize === 0) ?? content;
    memo.set(content, aligned);
  }
  return aligned;
}
