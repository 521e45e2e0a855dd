import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkCitations } from "./citation-check.js";

describe("checkCitations", () => {
  it("maps known refs to review IDs once each and returns the unknown ones", () => {
    const refs = new Map([
      ["R1", "rev-a"],
      ["R2", "rev-b"],
    ]);
    assert.deepEqual(checkCitations(["R2", "R7", "R2", "R1", "rev-a"], refs), { reviewIds: ["rev-b", "rev-a"], unknown: ["R7", "rev-a"] });
  });
});
