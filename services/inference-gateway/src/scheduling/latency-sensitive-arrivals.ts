// Which classes must keep vLLM's steps short right now. While latency-sensitive requests arrive
// (interactive ones, and short prompts of the standard class), requests that would share vLLM's
// queue and steps with them keep to the smaller prefill budget
// (AdmissionOptions.interactivePrefillBudgetSteps); otherwise the full budget keeps steps full.
import { PRIORITY_CLASSES, type PriorityClass } from "./priority-class.js";

export interface LatencySensitiveOptions {
  /** How long after such an arrival the smaller budget applies. */
  windowMs: number;
  /** Standard-class prompts of at most this many tokens count as latency-sensitive. */
  shortPromptTokens: number;
  /**
   * The backends order their waiting requests by class (GATEWAY_BACKEND_PRIORITY with vLLM's
   * `--scheduling-policy priority`): a higher class's arrival then jumps a lower class's waiting
   * prompts in vLLM, so only arrivals of a request's own class constrain it.
   */
  backendOrdersClasses: boolean;
}

export class LatencySensitiveArrivals {
  private readonly lastAt = new Map<PriorityClass, number>();

  constructor(
    private readonly options: LatencySensitiveOptions,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Notes a request's arrival at the gateway. */
  arrived(priority: PriorityClass, cost: number): void {
    if (priority === "interactive" || (priority === "standard" && cost <= this.options.shortPromptTokens)) this.lastAt.set(priority, this.clock());
  }

  /** Whether requests of this class keep to the smaller prefill budget now. */
  constrains(priority: PriorityClass): boolean {
    const now = this.clock();
    const recent = (c: PriorityClass) => now - (this.lastAt.get(c) ?? -Infinity) < this.options.windowMs;
    return this.options.backendOrdersClasses ? recent(priority) : PRIORITY_CLASSES.some(recent);
  }
}
