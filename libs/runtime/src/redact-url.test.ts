import assert from "node:assert/strict";
import { test } from "node:test";
import { redactUrl } from "./redact-url.js";

test("a URL's password is masked, the rest kept as written", () => {
  assert.equal(redactUrl("redis://:s3cret@10.0.0.7:6379"), "redis://:***@10.0.0.7:6379");
  assert.equal(redactUrl("postgres://app:s3cret@db:5432/reviewlens"), "postgres://app:***@db:5432/reviewlens");
  assert.equal(redactUrl("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
});
