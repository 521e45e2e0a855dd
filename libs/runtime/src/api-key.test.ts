import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { apiKeyChecker, bearerKey } from "./api-key.js";

describe("API key comparison", () => {
  const matches = apiKeyChecker("s3cret-key-0123456789");

  it("accepts exactly the key", () => {
    assert.equal(matches("s3cret-key-0123456789"), true);
  });

  it("refuses a wrong key of the same length, a prefix, a longer key and an absent or empty one", () => {
    assert.equal(matches("s3cret-key-0123456788"), false);
    assert.equal(matches("s3cret-key"), false);
    assert.equal(matches("s3cret-key-0123456789x"), false);
    assert.equal(matches(" s3cret-key-0123456789"), false);
    assert.equal(matches(""), false);
    assert.equal(matches(undefined), false);
  });

  it("never accepts an absent key, even against an empty expected key", () => {
    assert.equal(apiKeyChecker("")(undefined), false);
  });

  it("reads the key of a Bearer authorization value only", () => {
    assert.equal(bearerKey("Bearer abc"), "abc");
    assert.equal(bearerKey("bearer abc"), "abc");
    assert.equal(bearerKey("Basic abc"), undefined);
    assert.equal(bearerKey("abc"), undefined);
    assert.equal(bearerKey("Bearer "), undefined);
    assert.equal(bearerKey("Bearer a b"), undefined);
    assert.equal(bearerKey(undefined), undefined);
  });
});
