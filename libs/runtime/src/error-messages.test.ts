import assert from "node:assert/strict";
import { test } from "node:test";
import { capErrorMessage, MAX_ERROR_MESSAGE_CHARS, quoted } from "./error-messages.js";

test("a short value is quoted whole, a long one cut with its length", () => {
  assert.equal(quoted("2024-13-01"), '"2024-13-01"');
  const long = "9".repeat(1_000_000);
  const q = quoted(long);
  assert.ok(q.length < 100, q);
  assert.match(q, /^"9{64}"\.\.\. \(1000000 characters\)$/);
});

test("error messages are capped, keeping the field at the front", () => {
  assert.equal(capErrorMessage("text: must not be empty"), "text: must not be empty");
  const capped = capErrorMessage(`text: ${"x".repeat(100_000)}`);
  assert.ok(capped.startsWith("text: "));
  assert.ok(capped.length < MAX_ERROR_MESSAGE_CHARS + 60);
});
