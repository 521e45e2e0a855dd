// The gateway's scheduling classes, highest first, and their mapping from the proto enum.
import { common } from "@reviewlens/contracts";
import { InvalidArgumentError } from "@reviewlens/runtime";

export const PRIORITY_CLASSES = ["interactive", "standard", "batch"] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

export function priorityFromProto(priority: common.Priority): PriorityClass {
  switch (priority) {
    case common.Priority.PRIORITY_INTERACTIVE:
      return "interactive";
    case common.Priority.PRIORITY_BATCH:
      return "batch";
    default:
      return "standard";
  }
}

const KNOWN = new Set<number>([common.Priority.PRIORITY_UNSPECIFIED, common.Priority.PRIORITY_INTERACTIVE, common.Priority.PRIORITY_STANDARD, common.Priority.PRIORITY_BATCH]);

/** priorityFromProto for a value a client sent: an enum number the contract does not define is refused. */
export function checkedPriorityFromProto(priority: number, field: string): PriorityClass {
  if (!KNOWN.has(priority)) throw new InvalidArgumentError(field, `unknown priority ${priority}: one of PRIORITY_INTERACTIVE (1), PRIORITY_STANDARD (2), PRIORITY_BATCH (3), or 0 for standard`);
  return priorityFromProto(priority);
}

export function priorityToProto(priority: PriorityClass): common.Priority {
  return priority === "interactive"
    ? common.Priority.PRIORITY_INTERACTIVE
    : priority === "batch"
      ? common.Priority.PRIORITY_BATCH
      : common.Priority.PRIORITY_STANDARD;
}

/**
 * vLLM's `priority` for a class under `--scheduling-policy priority` (lower is served first). 0 is
 * vLLM's default, so other clients of the same backend rank with the standard class.
 */
export function vllmPriority(priority: PriorityClass): number {
  return priority === "interactive" ? -1 : priority === "batch" ? 1 : 0;
}

/** Parses a class name as the HTTP facade receives it; undefined when it is not one. */
export function parsePriorityClass(raw: string): PriorityClass | undefined {
  const name = raw.trim().toLowerCase();
  return (PRIORITY_CLASSES as readonly string[]).includes(name) ? (name as PriorityClass) : undefined;
}
