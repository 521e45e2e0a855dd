// Who a request belongs to, end to end: a tenant's API key names it over gRPC and through the
// facade, and is let in where the gateway's shared keys are required; an untrusted x-tenant does not; the tenant is on its vllm_metrics row, in the metrics and
// in GetStatus; over its budget the facade answers 429 with Retry-After.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createTestDatabase, waitFor, type TestDatabase } from "@reviewlens/testkit";
import { ClientError, Metadata, Status } from "nice-grpc";
import pg from "pg";
import { llmRequest, startStack, words, type Gateway, type Sim } from "./gateway-harness.js";

const PARTNER_KEY = "k-partner-0123456789abcdef";
const TINY_KEY = "k-tiny-0123456789abcdef";
const FACADE_KEY = "k-facade-0123456789abcdef";
const GRPC_KEY = "k-grpc-0123456789abcdef";

let sim: Sim;
let gateway: Gateway;
let db: TestDatabase;
let sql: pg.Pool;

before(async () => {
  db = await createTestDatabase("gateway_tenant_identity");
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
  const stack = await startStack([["--time-scale", "0.1"]], {
    DATABASE_URL: db.url,
    GATEWAY_API_KEY: FACADE_KEY,
    GATEWAY_GRPC_API_KEY: GRPC_KEY,
    GATEWAY_TENANT_API_KEYS: `partner:${PARTNER_KEY},tiny:${TINY_KEY}`,
    GATEWAY_TENANTS: JSON.stringify({ tenants: { partner: { weight: 3 }, tiny: { tokensPerMinute: 300 } } }),
  });
  sim = stack.sims[0]!;
  gateway = stack.gateway;
});

after(async () => {
  await gateway?.close();
  await sim?.process.stop();
  await sql?.end();
  await db?.drop();
});

async function tenantOfRow(requestId: string): Promise<string> {
  return waitFor(async () => (await sql.query<{ tenant: string }>("SELECT tenant FROM vllm_metrics WHERE request_id = $1", [requestId])).rows[0]?.tenant, `the row of ${requestId}`);
}

const chat = (headers: Record<string, string>, content = "맛집 추천") =>
  fetch(`${gateway.httpUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ messages: [{ role: "user", content }], max_tokens: 8 }),
  });

test("over gRPC a tenant's API key is let in beside the shared key and names the tenant; an untrusted x-tenant is ignored", async () => {
  const keyed = await gateway.client.complete({ request: llmRequest(`keyed ${words(10)}`) }, { metadata: Metadata({ authorization: `Bearer ${PARTNER_KEY}`, "x-tenant": "tiny" }) });
  assert.equal(await tenantOfRow(keyed.execution!.requestId), "partner");
  const claimed = await gateway.client.complete({ request: llmRequest(`claimed ${words(10)}`) }, { metadata: Metadata({ "x-tenant": "partner" }) });
  assert.equal(await tenantOfRow(claimed.execution!.requestId), "default", "the shared key (sent by the client) admits it; this deployment does not trust x-tenant");
});

test("over gRPC an unknown key is UNAUTHENTICATED and reaches no backend", async () => {
  const completed = (await gateway.client.getStatus({})).requestsCompleted;
  const refused = await gateway.client.complete({ request: llmRequest(`stranger ${words(10)}`) }, { metadata: Metadata({ authorization: "Bearer k-unknown-0123456789abcdef" }) }).then(
    () => assert.fail("an unknown key was let in"),
    (error: unknown) => error,
  );
  assert.ok(refused instanceof ClientError && refused.code === Status.UNAUTHENTICATED, String(refused));
  assert.equal((await gateway.client.getStatus({})).requestsCompleted, completed);
});

test("through the facade a tenant's key is let in and names the tenant; others still need the facade's key", async () => {
  const response = await chat({ authorization: `Bearer ${PARTNER_KEY}` });
  assert.equal(response.status, 200);
  const body = (await response.json()) as { reviewlens: { execution: { requestId: string } } };
  assert.equal(await tenantOfRow(body.reviewlens.execution.requestId), "partner");
  assert.equal((await chat({ authorization: "Bearer k-unknown-0123456789abcdef" })).status, 401);
  assert.equal((await chat({ authorization: `Bearer ${FACADE_KEY}` })).status, 200);
});

test("over its budget the facade answers 429 with Retry-After; the refusal is counted by tenant and reason", async () => {
  let refused: Response | undefined;
  for (let i = 0; i < 20 && !refused; i++) {
    const response = await chat({ authorization: `Bearer ${TINY_KEY}` }, `${i} ${words(20)}`);
    if (response.status === 429) refused = response;
    else assert.equal(response.status, 200, await response.text());
  }
  assert.ok(refused, "the tenant ran out of its 300 tokens per minute");
  const retryAfter = Number(refused.headers.get("retry-after"));
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${retryAfter}`);
  const body = (await refused.json()) as { error: { type: string; message: string } };
  assert.equal(body.error.type, "rate_limit_error");
  assert.match(body.error.message, /tenant tiny is over its token budget/);
  assert.ok((await gateway.metric("gateway_tenant_refusals_total", { tenant: "tiny", reason: "tokens" })) >= 1);
});

test("GetStatus lists each tenant with its weight, served share and budget; metrics count tokens by tenant", async () => {
  const status = await gateway.client.getStatus({});
  assert.equal(status.fairness, true);
  assert.match(status.budgetStore, /in-process table/);
  const rows = Object.fromEntries(status.tenants.map((t) => [t.tenant, t]));
  assert.deepEqual(Object.keys(rows).sort(), ["default", "partner", "tiny"]);
  assert.equal(rows["partner"]!.weight, 3);
  assert.ok(rows["partner"]!.servedShare > 0 && rows["partner"]!.tokensServedLastMinute > 0);
  assert.equal(rows["tiny"]!.tokensPerMinute, 300);
  assert.equal(rows["tiny"]!.budgetTokensPerWindow, 300);
  assert.ok(rows["tiny"]!.budgetTokensUsed! > 0 && rows["tiny"]!.budgetTokensUsed! <= 300);
  assert.equal(rows["partner"]!.tokensPerMinute, undefined, "no budget");
  const shares = status.tenants.reduce((n, t) => n + t.servedShare, 0);
  assert.ok(Math.abs(shares - 1) < 1e-9, `served shares add up to ${shares}`);
  assert.ok((await gateway.metric("gateway_output_tokens_total", { tenant: "partner" })) > 0);
  assert.ok((await gateway.metric("gateway_queue_time_seconds_count", { tenant: "partner", priority: "standard" })) >= 2);
});
