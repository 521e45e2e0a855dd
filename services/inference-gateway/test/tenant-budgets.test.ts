// Tenants' budgets held across three gateway replicas on one Redis in front of one simulator:
// 200 concurrent callers of one tenant never get more tokens admitted than its budget, the refused
// ones are told when the window has room, and settling brings every replica's view to the tokens
// actually used. The in-flight limit holds across replicas too.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { randomUUID } from "node:crypto";
import { waitFor } from "@reviewlens/testkit";
import { Status } from "nice-grpc";
import { completeAs, startReplicas, tenantRow, type CallOutcome, type Replicas } from "./tenant-replicas.js";

// One window covers the whole test (10 minutes), so every token admitted counts against one budget.
const WINDOW_MS = 600_000;
const TOKENS_PER_WINDOW = 20_000;
const NARROW_IN_FLIGHT = 8;
const MAX_TOKENS = 64;

let stack: Replicas;

before(async () => {
  const env = {
    GATEWAY_TRUST_TENANT_HEADER: "true",
    // Exact prompt counts (the simulator's /tokenize): a reservation's estimate is then never below the usage.
    GATEWAY_TOKENIZE: "true",
    // 200 callers at once on a busy machine: slow answers (of /tokenize, of Redis) are not failures here.
    GATEWAY_PROBE_TIMEOUT_MS: "60000",
    GATEWAY_BUDGET_REDIS_TIMEOUT_MS: "30000",
    GATEWAY_BUDGET_WINDOW_MS: String(WINDOW_MS),
    GATEWAY_TENANTS: JSON.stringify({
      default: { tokensPerMinute: (TOKENS_PER_WINDOW * 60_000) / WINDOW_MS },
      tenants: { narrow: { maxInFlight: NARROW_IN_FLIGHT } },
    }),
  };
  // Answers end by themselves after 20 to 59 tokens, below max_tokens (64): the estimates are above the usage.
  stack = await startReplicas(["--time-scale", "0.1", "--mean-output-tokens", "40"], [env, env, env]);
});

after(async () => {
  await stack?.close();
});

test("200 concurrent callers of one tenant on three replicas: admitted tokens stay within the budget, and settling corrects it", async (t) => {
  const tenant = `burst-${randomUUID().slice(0, 8)}`;
  const outcomes: CallOutcome[] = [];
  await Promise.all(
    Array.from({ length: 200 }, async (_, caller) => {
      const gateway = stack.gateways[caller % stack.gateways.length]!;
      for (let i = 0; i < 10; i++) {
        const outcome = await completeAs(gateway, tenant, 10 + ((caller + i) % 30), { maxTokens: MAX_TOKENS });
        outcomes.push(outcome);
        if (!outcome.ok) break;
      }
    }),
  );
  const served = outcomes.filter((o) => o.ok);
  const refused = outcomes.filter((o) => !o.ok);
  const admitted = served.reduce((n, o) => n + o.tokens, 0);
  const estimated = served.reduce((n, o) => n + (o.ok ? o.promptTokens + MAX_TOKENS : 0), 0);
  t.diagnostic(
    `${served.length} requests served: ${admitted} tokens of ${TOKENS_PER_WINDOW} (overshoot ${Math.max(0, admitted - TOKENS_PER_WINDOW)}), reserved as ${estimated}; ${refused.length} refused`,
  );
  assert.ok(estimated > admitted, "the answers used less than their estimates");
  assert.ok(admitted <= TOKENS_PER_WINDOW, `admitted ${admitted} tokens, over the budget of ${TOKENS_PER_WINDOW}`);
  assert.equal(new Set(served.map((o) => o.backend)).size, 1, "one simulator");
  assert.ok(refused.length > 0, "the budget ran out");
  for (const r of refused) {
    assert.equal(r.code, Status.RESOURCE_EXHAUSTED, r.message);
    assert.match(r.message, new RegExp(`tenant ${tenant} is over its token budget`));
    assert.ok(r.retryAfterMs !== undefined && r.retryAfterMs > 0 && r.retryAfterMs <= WINDOW_MS, `retry after ${r.retryAfterMs} ms`);
  }
  // Every replica sees the one budget, settled to what was used (the estimates held max_tokens).
  for (const gateway of stack.gateways) {
    const row = await waitFor(async () => {
      const r = await tenantRow(gateway, tenant);
      return r?.inFlight === 0 && r.budgetTokensUsed === admitted ? r : undefined;
    }, "the budget settled to the tokens used, on every replica");
    assert.equal(row.budgetTokensPerWindow, TOKENS_PER_WINDOW);
  }
});

test("the in-flight limit holds across replicas: concurrent requests beyond it are refused at once", async () => {
  let maxRunning = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      maxRunning = Math.max(maxRunning, await stack.sim.metric("vllm:num_requests_running"));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => completeAs(stack.gateways[i % stack.gateways.length]!, "narrow", 10, { maxTokens: 400, ignoreEos: true })),
    );
    const refused = outcomes.filter((o) => !o.ok);
    assert.ok(refused.length > 0, "some were refused");
    for (const r of refused) {
      assert.equal(r.code, Status.RESOURCE_EXHAUSTED);
      assert.match(r.message, /tenant narrow has \d+ requests in flight, its limit \(8\)/);
    }
    assert.ok(outcomes.some((o) => o.ok));
  } finally {
    sampling = false;
    await sampler;
  }
  assert.ok(maxRunning <= NARROW_IN_FLIGHT, `${maxRunning} running at once`);
});
