import assert from "node:assert/strict";
import { test } from "node:test";
import { gatewayKeyCheck } from "./gateway-key-check.js";
import { keyDigest } from "./tenant-directory.js";

const tenantKeys = new Map([[keyDigest("k-partner-0123456789"), "partner"]]);

test("with a shared key, the shared key and every tenant's key are let in, nothing else", () => {
  const check = gatewayKeyCheck("k-shared-0123456789", tenantKeys)!;
  assert.equal(check("k-shared-0123456789"), true);
  assert.equal(check("k-partner-0123456789"), true);
  assert.equal(check("k-partner-012345678"), false);
  assert.equal(check("k-unknown-0123456789"), false);
  assert.equal(check(""), false);
  assert.equal(check(undefined), false);
});

test("without a shared key the surface is open: tenant keys only name tenants", () => {
  assert.equal(gatewayKeyCheck(undefined, tenantKeys), undefined);
  assert.equal(gatewayKeyCheck("", tenantKeys), undefined);
});
