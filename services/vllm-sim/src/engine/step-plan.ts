import type { StepShape } from "./cost-model.js";
import type { EngineRequest } from "./engine-request.js";

/** What one engine step computes: which requests, how many tokens each. Reused across steps. */
export class StepPlan {
  readonly requests: EngineRequest[] = [];
  readonly numTokens: number[] = [];
  numPreempted = 0;

  get isEmpty(): boolean {
    return this.requests.length === 0;
  }

  reset(): void {
    this.requests.length = 0;
    this.numTokens.length = 0;
    this.numPreempted = 0;
  }

  add(request: EngineRequest, numTokens: number): void {
    this.requests.push(request);
    this.numTokens.push(numTokens);
  }

  /** Takes a request back out (it was preempted later in the same step); returns its tokens. */
  remove(request: EngineRequest): number {
    const index = this.requests.indexOf(request);
    if (index < 0) return 0;
    const tokens = this.numTokens[index]!;
    this.requests.splice(index, 1);
    this.numTokens.splice(index, 1);
    return tokens;
  }

  /** Decodes attend to their whole context; a prefill chunk costs per token and per token*context. */
  shape(out: StepShape): StepShape {
    out.decodeSeqs = 0;
    out.decodeContextTokens = 0;
    out.prefillTokens = 0;
    out.prefillAttention = 0;
    for (let i = 0; i < this.requests.length; i++) {
      const request = this.requests[i]!;
      const n = this.numTokens[i]!;
      const context = request.numComputed + n;
      if (request.isPrefilling) {
        out.prefillTokens += n;
        out.prefillAttention += n * context;
      } else {
        out.decodeSeqs++;
        out.decodeContextTokens += context;
      }
    }
    return out;
  }
}
