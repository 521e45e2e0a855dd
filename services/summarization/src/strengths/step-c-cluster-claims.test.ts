import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createHashingEmbedder } from "@reviewlens/embedder";
import { clusterClaims, normalizeClaim } from "./step-c-cluster-claims.js";

const embedder = createHashingEmbedder();

describe("step C: cluster claims", () => {
  it("normalises width, case, punctuation and spacing", () => {
    assert.equal(normalizeClaim("  숯불  향!! ＡＢＣ "), "숯불 향 abc");
  });

  it("puts near-identical claims of one aspect together and keeps aspects apart", async () => {
    const clusters = await clusterClaims(
      [
        { reviewId: "a", aspect: "taste", text: "수제 생면이 쫄깃해요" },
        { reviewId: "b", aspect: "taste", text: "수제 생면 쫄깃함!" },
        { reviewId: "c", aspect: "service", text: "수제 생면이 쫄깃해요" },
        { reviewId: "d", aspect: "taste", text: "주차가 편해요" },
      ],
      embedder,
      0.6,
    );
    const byMembers = clusters.map((c) => [c.aspect, c.claims.map((x) => x.reviewId).join("")]);
    assert.deepEqual(byMembers, [
      ["taste", "ab"],
      ["service", "c"],
      ["taste", "d"],
    ]);
    assert.ok(["수제 생면이 쫄깃해요", "수제 생면 쫄깃함!"].includes(clusters[0]!.representative));
  });

  it("does not call the embedder for no claims", async () => {
    let calls = 0;
    assert.deepEqual(await clusterClaims([], { embed: async () => (calls++, []) }, 0.5), []);
    assert.equal(calls, 0);
  });
});
