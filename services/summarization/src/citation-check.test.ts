import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkCitations } from "./citation-check.js";

describe("checkCitations", () => {
  it("maps known refs to review IDs once each and returns the unknown ones", () => {
    const refs = new Map([
      ["1", "rev-a"],
      ["2", "rev-b"],
    ]);
    assert.deepEqual(checkCitations(["2", "7", "2", "1", "rev-a"], refs), { reviewIds: ["rev-b", "rev-a"], unknown: ["7", "rev-a"] });
  });
});
