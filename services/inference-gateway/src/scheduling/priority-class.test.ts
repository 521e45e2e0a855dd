import assert from "node:assert/strict";
import { test } from "node:test";
import { common } from "@reviewlens/contracts";
import { checkedPriorityFromProto } from "./priority-class.js";

test("a client's priority maps to its class, 0 to standard", () => {
  assert.equal(checkedPriorityFromProto(common.Priority.PRIORITY_INTERACTIVE, "request.priority"), "interactive");
  assert.equal(checkedPriorityFromProto(common.Priority.PRIORITY_BATCH, "request.priority"), "batch");
  assert.equal(checkedPriorityFromProto(common.Priority.PRIORITY_UNSPECIFIED, "request.priority"), "standard");
});

test("an enum number the contract does not define is refused naming the field, not served as standard", () => {
  for (const unknown of [4, 42, -1, common.Priority.UNRECOGNIZED]) {
    assert.throws(() => checkedPriorityFromProto(unknown, "request.priority"), /^InvalidArgumentError: request\.priority: unknown priority/);
  }
});
