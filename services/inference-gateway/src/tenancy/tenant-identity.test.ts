import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidArgumentError } from "@reviewlens/runtime";
import { keyDigest } from "./tenant-directory.js";
import { resolveTenant } from "./tenant-identity.js";

const apiKeys = new Map([[keyDigest("k-partner-0123456789"), "partner"]]);

test("the API key's tenant wins over any x-tenant", () => {
  assert.deepEqual(resolveTenant({ authorization: "Bearer k-partner-0123456789", tenantHeader: "someone-else" }, { apiKeys, trustHeader: true }), { tenant: "partner", source: "api-key" });
  assert.deepEqual(resolveTenant({ authorization: "bearer   k-partner-0123456789 " }, { apiKeys, trustHeader: false }), { tenant: "partner", source: "api-key" });
});

test("x-tenant names the tenant only when the deployment trusts it", () => {
  assert.deepEqual(resolveTenant({ tenantHeader: "batch-team" }, { apiKeys, trustHeader: true }), { tenant: "batch-team", source: "header" });
  assert.deepEqual(resolveTenant({ tenantHeader: "batch-team" }, { apiKeys, trustHeader: false }), { tenant: "default", source: "default" });
  // An unknown key is not a tenant: it falls through (whether it is let in at all is the auth check's call).
  assert.deepEqual(resolveTenant({ authorization: "Bearer k-unknown-0123456789", tenantHeader: "batch-team" }, { apiKeys, trustHeader: true }), { tenant: "batch-team", source: "header" });
  assert.deepEqual(resolveTenant({}, { apiKeys, trustHeader: true }), { tenant: "default", source: "default" });
});

test("a malformed trusted x-tenant is INVALID_ARGUMENT naming it", () => {
  assert.throws(
    () => resolveTenant({ tenantHeader: "drop table;" }, { apiKeys, trustHeader: true }),
    (error: unknown) => error instanceof InvalidArgumentError && error.field === "x-tenant",
  );
});
