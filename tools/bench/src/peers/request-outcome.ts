// What became of one request under overload: served, refused by a gateway or server (HTTP 429/503,
// gRPC RESOURCE_EXHAUSTED/UNAVAILABLE), abandoned by the client's timeout, or failed otherwise.
import type { RequestOutput } from "../load/request-output.js";
import { TIMED_OUT } from "./tracked-target.js";

export type Outcome = "served" | "refused" | "timed out" | "failed";

export function outcomeOf(output: RequestOutput): Outcome {
  if (output.success) return "served";
  if (output.error === TIMED_OUT) return "timed out";
  if (/^HTTP (429|503)\b|RESOURCE_EXHAUSTED|UNAVAILABLE/.test(output.error)) return "refused";
  return "failed";
}

export function outcomeCounts(outputs: readonly RequestOutput[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { served: 0, refused: 0, "timed out": 0, failed: 0 };
  for (const o of outputs) counts[outcomeOf(o)] += 1;
  return counts;
}
