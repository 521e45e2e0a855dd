// One request as the engine sees it: a token sequence, how much of it is in the KV cache, its blocks.

export type FinishReason = "stop" | "length" | "abort";
export type RequestStatus = "waiting" | "running" | "finished";

/** Where the sampled tokens come from and when generation ends (the output side of a request). */
export interface TokenOutput {
  /** Picks the next token id. */
  sample(): number;
  /** Takes the sampled id; returns why generation ends now, or null to continue. */
  accept(id: number): FinishReason | null;
}

/** Told about progress once per flush, not per token, so writes can be batched. */
export interface RequestListener {
  onProgress(request: EngineRequest): void;
}

export class EngineRequest {
  status: RequestStatus = "waiting";
  /** Prompt ids followed by output ids. */
  readonly tokens: number[];
  readonly numPromptTokens: number;
  numComputed = 0;
  numOutput = 0;
  blocks: number[] = [];
  /** Chained hashes of full blocks of `tokens`, computed lazily. */
  readonly blockHashes: number[] = [];
  numCommittedBlocks = 0;
  numCachedPromptTokens = 0;
  numPreemptions = 0;
  finishReason: FinishReason | undefined;
  /** Set while the request sits in the list of requests to flush. */
  dirty = false;
  abortRequested = false;
  /** Engine timestamps, virtual ms. */
  firstScheduledMs = Number.NaN;
  firstTokenMs = Number.NaN;
  lastTokenMs = Number.NaN;
  finishedMs = Number.NaN;
  arrivalMs = 0;
  /** Admission order, breaks ties and keeps FCFS order across preemptions. */
  seq = 0;

  constructor(
    readonly id: string,
    promptTokens: readonly number[],
    readonly output: TokenOutput,
    readonly listener: RequestListener,
    readonly priority = 0,
  ) {
    this.tokens = promptTokens.slice();
    this.numPromptTokens = promptTokens.length;
  }

  get isPrefilling(): boolean {
    return this.tokens.length - this.numComputed > 1 || this.numComputed < this.numPromptTokens;
  }
}
