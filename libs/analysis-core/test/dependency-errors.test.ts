import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StatusError } from "@reviewlens/runtime";
import { ClientError, Status } from "nice-grpc-common";
import { asDependencyError } from "../src/index.js";

describe("asDependencyError", () => {
  it("keeps statuses that mean the same to our caller and names the dependency", () => {
    const e = asDependencyError(new ClientError("/x/Complete", Status.RESOURCE_EXHAUSTED, "queue full"), "inference-gateway") as StatusError;
    assert.ok(e instanceof StatusError);
    assert.equal(e.status, Status.RESOURCE_EXHAUSTED);
    assert.equal(e.message, "inference-gateway: RESOURCE_EXHAUSTED: queue full");
  });
  it("turns other dependency statuses into INTERNAL unless overridden", () => {
    const err = new ClientError("/x/Get", Status.INVALID_ARGUMENT, "unknown restaurant");
    assert.equal((asDependencyError(err, "vector-search") as StatusError).status, Status.INTERNAL);
    assert.equal((asDependencyError(err, "vector-search", { [Status.INVALID_ARGUMENT]: Status.NOT_FOUND }) as StatusError).status, Status.NOT_FOUND);
  });
  it("leaves errors that are not gRPC client errors alone", () => {
    const plain = new Error("x");
    assert.equal(asDependencyError(plain, "vector-search"), plain);
  });
});
