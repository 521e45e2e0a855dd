// Waits until every component of the stack reports ready (gRPC health SERVING, HTTP /health 200).
import type { Component } from "@reviewlens/dev-stack";
import { createChannel, createClient } from "nice-grpc";
import { HealthDefinition } from "nice-grpc-server-health";
import { HealthCheckResponse_ServingStatus } from "nice-grpc-server-health/lib/proto/grpc/health/v1/health.js";

async function componentReady(c: Component, signal: AbortSignal): Promise<boolean> {
  if (c.grpcPort) {
    const channel = createChannel(`127.0.0.1:${c.grpcPort}`);
    try {
      const r = await createClient(HealthDefinition, channel).check({ service: "" }, { signal: AbortSignal.any([signal, AbortSignal.timeout(1000)]) });
      return r.status === HealthCheckResponse_ServingStatus.SERVING;
    } catch {
      return false;
    } finally {
      channel.close();
    }
  }
  if (c.httpPort) {
    try {
      return (await fetch(`http://127.0.0.1:${c.httpPort}/health`, { signal: AbortSignal.any([signal, AbortSignal.timeout(1000)]) })).ok;
    } catch {
      return false;
    }
  }
  return true;
}

export async function waitUntilReady(components: Component[], timeoutMs: number, onWait: (pending: string[]) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const signal = AbortSignal.timeout(timeoutMs);
  for (;;) {
    const states = await Promise.all(components.map(async (c) => [c.name, await componentReady(c, signal)] as const));
    const pending = states.filter(([, ok]) => !ok).map(([name]) => name);
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs / 1000} s: ${pending.join(", ")}`);
    onWait(pending);
    await new Promise((r) => setTimeout(r, 500));
  }
}
