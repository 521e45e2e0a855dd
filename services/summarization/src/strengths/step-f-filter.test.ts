import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { filterClusters } from "./step-f-filter.js";
import type { DistinctCluster } from "./strength-types.js";

const c = (representative: string, support: number, supportShare: number, distinctiveness: number): DistinctCluster => ({
  aspect: "taste",
  representative,
  claims: [],
  reviewIds: [],
  support,
  supportShare,
  distinctiveness,
});

describe("step F: filter", () => {
  it("keeps only clusters over every threshold", () => {
    const kept = filterClusters([c("ok", 4, 0.2, 3), c("generic", 8, 0.4, 1.1), c("rare", 1, 0.3, 5), c("thin", 3, 0.1, 5)], {
      minSupportShare: 0.15,
      minSupportReviews: 2,
      minDistinctiveness: 1.5,
    });
    assert.deepEqual(kept.map((k) => k.representative), ["ok"]);
  });
});
