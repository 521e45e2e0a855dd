// How long a request waits for a sequence slot on the backends: what bounds a decode-bound backend,
// whose prefill budget has room while every sequence it runs is busy generating. The requests queued
// ahead take the free slots first; the rest go in turns of the backends' slots, each turn as long as
// a sequence is held (dispatch to last token). Counting whole turns is the conservative reading:
// vLLM's batch of equal-length answers frees its slots together, not one by one. Pure: capacity in,
// a wait out; undefined when the wait depends on a hold time not measured yet.

export interface SequenceCapacity {
  /** Sequences the healthy backends run at once (their sequence budgets). */
  slots: number;
  /** Sequences of theirs running now (dispatched, not finished). */
  running: number;
  /** How long recent requests held a sequence (ms); undefined before any finished. */
  holdMs: number | undefined;
}

export function sequenceSlotWaitMs(capacity: SequenceCapacity, ahead: number): number | undefined {
  const free = Math.max(0, capacity.slots - capacity.running);
  if (ahead < free) return 0;
  if (capacity.holdMs === undefined || capacity.slots <= 0) return undefined;
  return Math.ceil((ahead + 1 - free) / capacity.slots) * capacity.holdMs;
}
