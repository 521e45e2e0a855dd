import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inCompletionOrder } from "../src/index.js";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("inCompletionOrder", () => {
  it("yields results as they settle, failures included, not in start order", async () => {
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()];
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const s of inCompletionOrder(gates.map((g, i) => ({ key: `k${i}`, run: () => g.promise })))) {
        seen.push(s.ok ? `${s.key}=${s.value}` : `${s.key}!${(s.error as Error).message}`);
      }
    })();
    gates[2]!.resolve("c");
    await new Promise((r) => setImmediate(r));
    gates[0]!.reject(new Error("boom"));
    await new Promise((r) => setImmediate(r));
    gates[1]!.resolve("b");
    await consumer;
    assert.deepEqual(seen, ["k2=c", "k0!boom", "k1=b"]);
  });
});
