// CPU work an analysis only reports (what all reviews would have cost in tokens: every review
// tokenised and packed) need not delay the requests it sends: it runs once they are on their way,
// while their answers decode, instead of before them. One turn of the event loop lets the gRPC calls
// go out first; work then holds the thread only while no answer can be back yet.
import { setImmediate as nextTurn } from "node:timers/promises";

export async function afterDispatch<T>(pending: Promise<T>, work: () => void): Promise<T> {
  // Awaited below; a rejection that comes while work runs is not unhandled.
  pending.catch(() => undefined);
  await nextTurn();
  work();
  return pending;
}
