import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createHashingEmbedder } from "./hashing-embedder.js";

const dot = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));

describe("hashing embedder", () => {
  const embedder = createHashingEmbedder();

  it("has dimension 384 by default and honours another dimension", async () => {
    assert.equal(embedder.dimension, 384);
    const small = createHashingEmbedder({ dimension: 64 });
    const [vector] = await small.embed(["hello"]);
    assert.equal(vector?.length, 64);
    assert.throws(() => createHashingEmbedder({ dimension: 0 }), /dimension/);
  });

  it("is deterministic across calls and across instances", async () => {
    const text = "국물이 진하고 면이 쫄깃해요";
    const first = embedder.embedOne(text);
    const [second] = await createHashingEmbedder().embed([text]);
    assert.deepEqual(first, second);
  });

  it("returns L2-normalised vectors, and zeros for blank text", () => {
    for (const text of ["a", "맛있어요!!", "The soup was cold and the staff rude. 다시는 안 가요."]) {
      assert.ok(Math.abs(norm(embedder.embedOne(text)) - 1) < 1e-9, text);
    }
    assert.ok(embedder.embedOne("   ").every((value) => value === 0));
  });

  it("normalises case, width (NFKC) and whitespace", () => {
    assert.deepEqual(embedder.embedOne("Great  PASTA"), embedder.embedOne("great pasta"));
    assert.deepEqual(embedder.embedOne("ＡＢＣ１２３"), embedder.embedOne("abc123"));
  });

  it("puts similar Korean reviews closer than unrelated ones", () => {
    const a = embedder.embedOne("국물이 정말 진하고 맛있어요. 또 올게요");
    const b = embedder.embedOne("국물이 진하고 맛있네요. 또 오고 싶어요");
    const unrelated = embedder.embedOne("주차장이 좁고 직원이 불친절했습니다");
    assert.ok(dot(a, b) > dot(a, unrelated) + 0.2, `similar ${dot(a, b)} vs unrelated ${dot(a, unrelated)}`);
  });

  it("puts similar English texts closer than unrelated ones", () => {
    const a = embedder.embedOne("the noodles were chewy and delicious");
    const b = embedder.embedOne("delicious chewy noodles");
    const unrelated = embedder.embedOne("parking was impossible on a Friday night");
    assert.ok(dot(a, b) > dot(a, unrelated) + 0.2);
  });

  it("keeps distinct Hangul syllables apart (no byte-truncation collisions)", () => {
    // 맛 (U+B9DB) and 멋 (U+BA4B) share their low byte pattern in byte-truncating hashes.
    const taste = embedder.embedOne("맛");
    const style = embedder.embedOne("멋");
    assert.ok(Math.abs(dot(taste, style)) < 0.5);
  });

  it("embeds a batch in order and honours an aborted signal", async () => {
    const texts = ["하나", "둘", "셋"];
    const vectors = await embedder.embed(texts);
    assert.deepEqual(vectors, texts.map((t) => embedder.embedOne(t)));
    await assert.rejects(embedder.embed(texts, AbortSignal.abort()), { name: "AbortError" });
  });
});
