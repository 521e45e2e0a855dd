// The output side of one request: which token comes next (a planned text, then random words), and
// vLLM's stop rules: EOS unless ignore_eos, stop token ids, stop strings (checked only once
// min_tokens are out, text held back while it could still become a stop string), max_tokens.
import type { FinishReason, TokenOutput } from "../engine/engine-request.js";
import type { RandomSource } from "./random-source.js";
import type { TokenText } from "./token-text.js";

export interface OutputOptions {
  /** Token ids to produce before EOS (echo, JSON instance); null for random words. */
  planned: readonly number[] | null;
  /** Random words before EOS when nothing is planned. */
  naturalLength: number;
  maxTokens: number;
  minTokens: number;
  ignoreEos: boolean;
  stop: readonly string[];
  stopTokenIds: readonly number[];
  includeStopStrInOutput: boolean;
  eosTokenId: number;
  random: RandomSource;
  text: TokenText;
}

export class OutputSequence implements TokenOutput {
  /** The output text so far (the final text once finished). */
  text = "";
  /** Text released since the last `takeDeltas`, one entry per token (entries may be empty). */
  private deltas: string[] = [];
  stopReason: string | number | null = null;
  finished = false;
  private count = 0;
  private released = 0;
  private readonly plannedPieces: readonly string[];
  private readonly holdBack: number;

  constructor(private readonly o: OutputOptions) {
    this.plannedPieces = o.planned ? o.text.pieces(o.planned) : [];
    this.holdBack = o.stop.reduce((m, s) => Math.max(m, s.length - 1), 0);
  }

  get numTokens(): number {
    return this.count;
  }

  sample(): number {
    const { planned, eosTokenId } = this.o;
    const i = this.count;
    let id = planned ? (i < planned.length ? planned[i]! : eosTokenId) : i < this.o.naturalLength ? this.randomWord() : eosTokenId;
    // The model "keeps talking" when EOS is ignored or min_tokens are not reached yet.
    if (id === eosTokenId && (this.o.ignoreEos || i < this.o.minTokens)) id = this.randomWord();
    return id;
  }

  accept(id: number): FinishReason | null {
    const o = this.o;
    const index = this.count++;
    const checkStops = this.count > o.minTokens;
    if (id === o.eosTokenId && !o.ignoreEos && checkStops) return this.end("stop", "");
    if (checkStops && o.stopTokenIds.length > 0 && o.stopTokenIds.includes(id)) {
      this.stopReason = id;
      return this.end("stop", "");
    }
    const piece = o.planned && o.planned[index] === id ? this.plannedPieces[index]! : (o.text.wordText(id) ?? "");
    const before = this.text.length;
    this.text += piece;
    if (checkStops && o.stop.length > 0) {
      const from = Math.max(0, before - this.holdBack);
      for (const s of o.stop) {
        const at = this.text.indexOf(s, from);
        if (at < 0) continue;
        this.stopReason = s;
        this.text = this.text.slice(0, o.includeStopStrInOutput ? at + s.length : at);
        return this.end("stop", null);
      }
    }
    if (this.count >= o.maxTokens) return this.end("length", null);
    if (this.holdBack === 0) {
      this.deltas.push(piece);
      this.released = this.text.length;
    } else {
      this.release(this.text.length - this.holdBack);
    }
    return null;
  }

  /** Moves the released text pieces out (the stream writer calls this once per flush). */
  takeDeltas(): string[] {
    const out = this.deltas;
    this.deltas = [];
    return out;
  }

  private end(reason: FinishReason, piece: string | null): FinishReason {
    this.finished = true;
    if (piece !== null && this.holdBack === 0) {
      this.deltas.push(piece);
      this.released = this.text.length;
    } else {
      this.release(this.text.length);
    }
    return reason;
  }

  private release(upTo: number): void {
    if (upTo > this.released) {
      this.deltas.push(this.text.slice(this.released, upTo));
      this.released = upTo;
    } else {
      this.deltas.push("");
    }
  }

  private randomWord(): number {
    const words = this.o.text.wordIds;
    return words[Math.floor(this.o.random.next() * words.length)]!;
  }
}
