import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_ASPECTS, resolveAspects } from "./aspects.js";

describe("resolveAspects", () => {
  it("gives the seven default aspects when none are asked for", () => {
    assert.deepEqual(resolveAspects([]), ["taste", "service", "price_value", "ambience", "cleanliness", "waiting_time", "portion"]);
    assert.equal(DEFAULT_ASPECTS.length, 7);
  });
  it("accepts the caller's own aspects", () => {
    assert.deepEqual(resolveAspects(["parking", "taste"]), ["parking", "taste"]);
  });
  it("names the bad aspect", () => {
    assert.throws(() => resolveAspects(["taste", "Bad Aspect"]), /aspects\[1\]/);
    assert.throws(() => resolveAspects(["taste", "taste"]), /listed twice/);
    assert.throws(() => resolveAspects(["taste", "overall"]), /aspects\[1\].*whole restaurant/, "the overall summary's key is not an aspect");
  });
});
