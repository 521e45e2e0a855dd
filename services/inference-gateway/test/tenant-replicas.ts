// Gateway replicas on one Redis and one simulator, and calls that name their tenant, for the
// tenants' integration tests.
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@reviewlens/testkit";
import { Metadata, Status } from "nice-grpc";
import { llmRequest, startGateway, startSim, words, type Gateway, type Sim } from "./gateway-harness.js";

export interface Replicas {
  sim: Sim;
  gateways: Gateway[];
  close(): Promise<void>;
}

export function testRedisUrl(): string {
  const url = process.env["TEST_REDIS_URL"];
  if (!url) throw new Error("TEST_REDIS_URL is not set: run through scripts/test-servers.sh");
  return url;
}

/** One simulator and a gateway per env (all on the test Redis and one test database). */
export async function startReplicas(simArgs: string[], envs: Array<Record<string, string>>): Promise<Replicas> {
  const db: TestDatabase = await createTestDatabase("gateway_tenants");
  const sim = await startSim(simArgs);
  const started = await Promise.allSettled(envs.map((env) => startGateway({ GATEWAY_BACKEND_URLS: sim.url, DATABASE_URL: db.url, GATEWAY_REDIS_URL: testRedisUrl(), ...env })));
  const gateways = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const close = async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await sim.process.stop();
    await db.drop();
  };
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await close();
    throw failed.reason;
  }
  return { sim, gateways, close };
}

export type CallOutcome =
  | { ok: true; tokens: number; promptTokens: number; backend: string }
  | { ok: false; code: Status; message: string; retryAfterMs: number | undefined };

/** One Complete as `tenant` (x-tenant), a fresh prompt of about `promptWords` words. */
export async function completeAs(gateway: Gateway, tenant: string, promptWords: number, sampling: { maxTokens: number; ignoreEos?: boolean }): Promise<CallOutcome> {
  let trailer: Metadata | undefined;
  try {
    const response = await gateway.client.complete(
      { request: llmRequest(`${randomUUID()} ${words(promptWords)}`, {}, sampling) },
      { metadata: Metadata({ "x-tenant": tenant }), onTrailer: (t) => (trailer = t) },
    );
    const usage = response.usage!;
    return { ok: true, tokens: usage.promptTokens + usage.outputTokens, promptTokens: usage.promptTokens, backend: response.execution!.backend };
  } catch (error) {
    const e = error as Error & { code?: Status; details?: string };
    if (e.code === undefined) throw error;
    const pushback = trailer?.get("grpc-retry-pushback-ms");
    return { ok: false, code: e.code, message: e.details ?? e.message, retryAfterMs: pushback === undefined ? undefined : Number(pushback) };
  }
}

/** A tenant's row of a replica's GetStatus. */
export async function tenantRow(gateway: Gateway, tenant: string) {
  return (await gateway.client.getStatus({})).tenants.find((t) => t.tenant === tenant);
}
