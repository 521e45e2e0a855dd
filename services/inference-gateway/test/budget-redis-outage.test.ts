// A Redis outage in the middle of a run, with one replica configured to refuse budgeted requests
// meanwhile (GATEWAY_BUDGET_REDIS_DOWN=refuse) and one to hold budgets in its own table (local).
// Stops and restarts the test Redis (stopRedis): scripts/run-tests.sh runs this file last, alone.
import assert from "node:assert/strict";
import { execSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { waitFor } from "@reviewlens/testkit";
import { Status } from "nice-grpc";
import { completeAs, startReplicas, tenantRow, testRedisUrl, type CallOutcome, type Replicas } from "./tenant-replicas.js";

const WINDOW_MS = 600_000;
const TOKENS_PER_WINDOW = 3_000;

const redisAnswers = () => {
  try {
    return execSync(`redis-cli -u ${testRedisUrl()} ping`, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() === "PONG";
  } catch {
    return false;
  }
};

function stopRedis() {
  execSync(`redis-cli -u ${testRedisUrl()} shutdown nosave`, { stdio: "ignore" });
}

async function startRedis() {
  const cmd = process.env["TEST_REDIS_SERVER_CMD"];
  if (!cmd) throw new Error("TEST_REDIS_SERVER_CMD is not set: run through scripts/test-servers.sh");
  if (!redisAnswers()) execSync(cmd, { stdio: "ignore", shell: "/bin/bash" });
  await waitFor(() => redisAnswers() || undefined, "redis-server to restart", 10_000);
}

let stack: Replicas;

before(async () => {
  const env = {
    GATEWAY_TRUST_TENANT_HEADER: "true",
    GATEWAY_TOKENIZE: "true",
    GATEWAY_BUDGET_WINDOW_MS: String(WINDOW_MS),
    GATEWAY_TENANTS: JSON.stringify({ default: { tokensPerMinute: (TOKENS_PER_WINDOW * 60_000) / WINDOW_MS }, tenants: { free: {} } }),
  };
  stack = await startReplicas(["--time-scale", "0.1"], [
    { ...env, GATEWAY_BUDGET_REDIS_DOWN: "refuse" },
    { ...env, GATEWAY_BUDGET_REDIS_DOWN: "local" },
  ]);
});

after(async () => {
  await startRedis();
  await stack?.close();
});

const tokensOf = (outcomes: CallOutcome[]) => outcomes.reduce((n, o) => n + (o.ok ? o.tokens : 0), 0);

test("Redis down mid-run: the refusing replica answers UNAVAILABLE, the local one holds the budget in its own table; both share Redis again once it is back", async (t) => {
  const tenant = `outage-${randomUUID().slice(0, 8)}`;
  const [refusing, local] = stack.gateways as [(typeof stack.gateways)[0], (typeof stack.gateways)[0]];
  const call = (gateway: typeof refusing, as = tenant) => completeAs(gateway, as, 20, { maxTokens: 32 });

  const before = [await call(refusing), await call(local), await call(refusing), await call(local)];
  assert.ok(before.every((o) => o.ok), "both replicas serve while Redis is up");
  const usedBefore = tokensOf(before);
  await waitFor(async () => ((await tenantRow(refusing, tenant))?.budgetTokensUsed === usedBefore) || undefined, "the budget settled in Redis");

  stopRedis();
  // refuse: budgeted requests fail with UNAVAILABLE and a retry hint; a tenant without a budget is served.
  for (let i = 0; i < 3; i++) {
    const outcome = await call(refusing);
    assert.ok(!outcome.ok && outcome.code === Status.UNAVAILABLE, JSON.stringify(outcome));
    assert.match(outcome.message, /the budget store is unreachable \(GATEWAY_BUDGET_REDIS_DOWN=refuse\)/);
    assert.equal(outcome.retryAfterMs, 1_000);
  }
  assert.ok((await call(refusing, "free")).ok, "no budget, no need for Redis");
  assert.match((await refusing.client.getStatus({})).budgetStore, /unreachable: budgeted requests refused/);

  // local: served from this replica's table, which holds the same limit on its own.
  const during: CallOutcome[] = [];
  for (let i = 0; i < 200; i++) {
    const outcome = await call(local);
    during.push(outcome);
    if (!outcome.ok) break;
  }
  const last = during.at(-1)!;
  assert.ok(!last.ok && last.code === Status.RESOURCE_EXHAUSTED && /over its token budget/.test(last.message), JSON.stringify(last));
  const usedDuring = tokensOf(during);
  t.diagnostic(`during the outage the local replica admitted ${usedDuring} tokens (limit ${TOKENS_PER_WINDOW} per replica); ${usedBefore} were in Redis before`);
  assert.ok(usedDuring > 0 && usedDuring <= TOKENS_PER_WINDOW, `${usedDuring} tokens admitted by the local table`);
  assert.match((await local.client.getStatus({})).budgetStore, /unreachable: budgets held by this replica's in-process table/);

  await startRedis();
  // Back: both replicas serve budgeted requests from the one budget in Redis again. (The test Redis
  // keeps nothing across a restart, so its window starts afresh: what it holds is what came after.)
  const again = await waitFor(async () => {
    const outcome = await call(refusing);
    return outcome.ok ? outcome : undefined;
  }, "the refusing replica to serve again once Redis is back");
  const localAgain = await call(local);
  assert.ok(localAgain.ok, JSON.stringify(localAgain));
  const usedAfter = tokensOf([again, localAgain]);
  for (const gateway of [refusing, local]) {
    await waitFor(async () => ((await tenantRow(gateway, tenant))?.budgetTokensUsed === usedAfter) || undefined, "both replicas see the one budget in Redis again");
    assert.doesNotMatch((await gateway.client.getStatus({})).budgetStore, /unreachable/);
  }
});
