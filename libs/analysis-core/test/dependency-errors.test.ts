import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DependencyError, statusOf } from "@reviewlens/runtime";
import { ClientError, Status } from "nice-grpc-common";
import { asDependencyError, loadReviewContext } from "../src/index.js";

describe("asDependencyError", () => {
  it("keeps statuses that mean the same to our caller and names the dependency", () => {
    const e = asDependencyError(new ClientError("/x/Complete", Status.RESOURCE_EXHAUSTED, "queue full"), "inference-gateway");
    assert.ok(e instanceof DependencyError);
    assert.equal(statusOf(e)?.status, Status.RESOURCE_EXHAUSTED);
    assert.equal(e.message, "inference-gateway: RESOURCE_EXHAUSTED: queue full");
  });
  it("turns other dependency statuses into INTERNAL unless overridden", async () => {
    const err = new ClientError("/x/Get", Status.INVALID_ARGUMENT, "unknown restaurant");
    assert.equal(statusOf(asDependencyError(err, "vector-search"))?.status, Status.INTERNAL);
    // The review context overrides it: vector-search refusing a validated restaurant ID means it has no reviews.
    const refusing = {
      getRepresentativeReviews: () => Promise.reject(err),
    };
    await assert.rejects(loadReviewContext(refusing, { restaurantId: "r1", topK: 5 }), (e: unknown) => {
      assert.equal(statusOf(e)?.status, Status.NOT_FOUND);
      assert.equal((e as Error).message, "vector-search (restaurant r1): INVALID_ARGUMENT: unknown restaurant");
      return true;
    });
  });
  it("leaves errors that are not gRPC client errors alone", () => {
    const plain = new Error("x");
    assert.equal(asDependencyError(plain, "vector-search"), plain);
  });
});
