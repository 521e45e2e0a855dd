import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TextEmbedder } from "@reviewlens/embedder";
import { PrefetchingEmbedder } from "./prefetching-embedder.js";

/** Embeds a text as [its length, its first char code]; records each call; fails the calls listed. */
function recordingEmbedder(failCalls: number[] = []): TextEmbedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async embed(texts) {
      calls.push(texts);
      if (failCalls.includes(calls.length)) throw new Error(`embedding call ${calls.length} failed`);
      return texts.map((t) => [t.length, t.charCodeAt(0)]);
    },
  };
}

describe("PrefetchingEmbedder", () => {
  it("embeds a prefetched text once, asks only for the rest, and answers in the order asked", async () => {
    const inner = recordingEmbedder();
    const embedder = new PrefetchingEmbedder(inner);
    embedder.prefetch(["수제 생면", "한강 뷰"]);
    embedder.prefetch(["한강 뷰"]);
    const vectors = await embedder.embed(["한강 뷰", "친절", "수제 생면", "한강 뷰"]);
    assert.deepEqual(vectors, [[4, "한".charCodeAt(0)], [2, "친".charCodeAt(0)], [5, "수".charCodeAt(0)], [4, "한".charCodeAt(0)]]);
    assert.deepEqual(inner.calls, [["수제 생면", "한강 뷰"], ["친절"]]);
  });

  it("asks again for a text whose prefetch failed", async () => {
    const inner = recordingEmbedder([1]);
    const embedder = new PrefetchingEmbedder(inner);
    embedder.prefetch(["수제 생면"]);
    assert.deepEqual(await embedder.embed(["수제 생면"]), [[5, "수".charCodeAt(0)]]);
    assert.deepEqual(inner.calls, [["수제 생면"], ["수제 생면"]]);
  });

  it("fails as the embedder does when asking again fails too", async () => {
    const embedder = new PrefetchingEmbedder(recordingEmbedder([1, 2]));
    embedder.prefetch(["수제 생면"]);
    await assert.rejects(embedder.embed(["수제 생면"]), /embedding call 2 failed/);
  });
});
