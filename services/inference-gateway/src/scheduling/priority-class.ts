// The gateway's scheduling classes, highest first, and their mapping from the proto enum.
import { common } from "@reviewlens/contracts";

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
