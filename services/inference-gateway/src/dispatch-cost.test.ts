import assert from "node:assert/strict";
import { test } from "node:test";
import { costOnAffineBackend } from "./dispatcher.js";

test("a prompt costs the replica holding its prefix only the blocks it did not serve, at least one token", () => {
  assert.equal(costOnAffineBackend({ cost: 900, prefixBlockTokens: 16 }, 50), 100);
  assert.equal(costOnAffineBackend({ cost: 900, prefixBlockTokens: 16 }, 0), 900);
  assert.equal(costOnAffineBackend({ cost: 900, prefixBlockTokens: 16 }, 57), 1);
  assert.equal(costOnAffineBackend({ cost: 1000, prefixBlockTokens: 12.5 }, 40), 500);
});
