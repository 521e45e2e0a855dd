// The client side of the overload run: in-flight counting, the timeout and what each outcome is.
import assert from "node:assert/strict";
import { it } from "node:test";
import { failedOutput, type BenchRequest, type RequestOutput } from "../load/request-output.js";
import type { BenchTarget } from "../targets/bench-target.js";
import { outcomeCounts, outcomeOf } from "./request-outcome.js";
import { TIMED_OUT, trackedTarget } from "./tracked-target.js";

const request: BenchRequest = { prompt: "p", promptLen: 1, outputLen: 1 };
const served: RequestOutput = { success: true, error: "", generatedText: "x", promptLen: 1, outputTokens: 1, ttft: 0.1, itl: [], latency: 0.2, startTime: 0 };

/** A target that answers when told to, or fails when its signal aborts (as the real ones do). */
function heldTarget() {
  const release: Array<() => void> = [];
  const target: BenchTarget = {
    backend: "held",
    send: (r, startTime, signal) =>
      new Promise((resolve) => {
        release.push(() => resolve(served));
        signal.addEventListener("abort", () => resolve(failedOutput(r, new Error("This operation was aborted"), startTime)));
      }),
    close: async () => undefined,
  };
  return { target, release };
}

it("counts requests in flight until each one ends", async () => {
  const { target, release } = heldTarget();
  const tracked = trackedTarget(target);
  const a = tracked.send(request, 0, new AbortController().signal);
  const b = tracked.send(request, 0, new AbortController().signal);
  assert.equal(tracked.inFlight(), 2);
  release[0]!();
  await a;
  assert.equal(tracked.inFlight(), 1);
  release[1]!();
  await b;
  assert.equal(tracked.inFlight(), 0);
});

it("abandons a request after the client's timeout and says so", async () => {
  const { target } = heldTarget();
  const output = await trackedTarget(target, { timeoutS: 0.05 }).send(request, 0, new AbortController().signal);
  assert.equal(output.success, false);
  assert.equal(output.error, TIMED_OUT);
  assert.equal(outcomeOf(output), "timed out");
});

it("keeps the run's own abort apart from the timeout", async () => {
  const { target } = heldTarget();
  const run = new AbortController();
  const pending = trackedTarget(target, { timeoutS: 60 }).send(request, 0, run.signal);
  run.abort();
  assert.equal(outcomeOf(await pending), "failed");
});

it("tells refusals (429/503, RESOURCE_EXHAUSTED) from other failures", () => {
  const failed = (error: string) => failedOutput(request, error, 0);
  assert.deepEqual(
    outcomeCounts([served, failed("HTTP 429: queue full"), failed("HTTP 503: busy"), failed("/reviewlens.inference.v1.InferenceGatewayService/Generate RESOURCE_EXHAUSTED: deadline"), failed("HTTP 500: Something went wrong"), failed(TIMED_OUT)]),
    { served: 1, refused: 3, "timed out": 1, failed: 1 },
  );
});
