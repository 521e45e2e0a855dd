// Token text as a streaming detokenizer produces it: a token that holds part of a UTF-8 character
// yields no text until the character is complete, as vLLM's incremental detokenizer does.
import type { Qwen25Tokenizer } from "@reviewlens/tokenizer";

export class TokenText {
  /** Ids that decode to a whole English word with its leading space: the random output vocabulary. */
  readonly wordIds: Uint32Array;
  /** The text of each word id, indexed by the position in `wordIds`. */
  readonly wordTexts: readonly string[];
  private readonly wordTextById = new Map<number, string>();

  constructor(readonly tokenizer: Qwen25Tokenizer) {
    const ids: number[] = [];
    const texts: string[] = [];
    const decoder = new TextDecoder("utf-8", { fatal: true });
    for (let id = 0; id < 151643; id++) {
      let text: string;
      try {
        text = decoder.decode(tokenizer.tokenBytes(id));
      } catch {
        continue;
      }
      if (!/^ [a-z]{3,9}$/.test(text)) continue;
      ids.push(id);
      texts.push(text);
      this.wordTextById.set(id, text);
    }
    this.wordIds = Uint32Array.from(ids);
    this.wordTexts = texts;
  }

  /** The text pieces a stream shows for these ids, one per token (possibly empty). */
  pieces(ids: readonly number[]): string[] {
    const decoder = new TextDecoder("utf-8");
    return ids.map((id) => decoder.decode(this.tokenizer.tokenBytes(id), { stream: true }));
  }

  /** The text of a single id whose bytes are whole characters (word ids and special tokens). */
  wordText(id: number): string | undefined {
    return this.wordTextById.get(id);
  }
}
