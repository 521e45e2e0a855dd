// The budget store contract against the in-process table and against a real Redis (TEST_REDIS_URL
// from scripts/test-servers.sh), where several stores stand for several gateway replicas.
import { describe } from "node:test";
import { createLogger } from "@reviewlens/runtime";
import { RedisBudgetStore } from "../src/adapters/redis-budget-store.js";
import { LocalBudgetTable } from "../src/tenancy/local-budget-table.js";
import { budgetStoreContract } from "./budget-store-contract.js";

describe("in-process budget table", () => {
  // One table is one replica: "several stores" are the same table.
  budgetStoreContract(async (windowMs, count) => {
    const table = new LocalBudgetTable({ windowMs, inFlightRetryMs: 1_000, leaseMs: 600_000 });
    return Array.from({ length: count }, () => table);
  });
});

describe("Redis budget store", () => {
  const url = process.env["TEST_REDIS_URL"];
  if (!url) throw new Error("TEST_REDIS_URL is not set: run through scripts/test-servers.sh");
  budgetStoreContract(async (windowMs, count) => {
    const stores = Array.from(
      { length: count },
      () => new RedisBudgetStore({ url, logger: createLogger("test", "silent"), windowMs, inFlightRetryMs: 1_000, leaseMs: 600_000, commandTimeoutMs: 5_000, keyPrefix: "test:budget:" }),
    );
    await Promise.all(stores.map((s) => s.ready(10_000)));
    return stores;
  });
});
