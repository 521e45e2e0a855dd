// What one check decided, as logged and counted: the idle policy's verdict, or the wake policy's
// when it wakes the pool or waits for a wake, with the gateway's wake signal beside it.
import type { Decision, Verdict } from "./idle-policy.js";
import type { WakeDecision } from "./wake-policy.js";

export type CheckDecision = Decision | Exclude<WakeDecision, "none">;

export interface CheckVerdict extends Omit<Verdict, "decision"> {
  decision: CheckDecision;
  /** Requests the gateway holds for the pool (undefined: not watched or unreadable). */
  heldForWake?: number | undefined;
}
