// Readiness of a dependency: its grpc.health.v1 overall status is SERVING.
import { createChannel, createClient, type Channel } from "nice-grpc";
import { HealthDefinition } from "nice-grpc-server-health";
import { HealthCheckResponse_ServingStatus } from "nice-grpc-server-health/lib/proto/grpc/health/v1/health.js";

export interface DependencyProbe {
  readonly name: string;
  check(signal: AbortSignal): Promise<boolean>;
  close(): void;
}

export function grpcDependency(name: string, address: string, timeoutMs = 1_000): DependencyProbe {
  const channel: Channel = createChannel(address);
  const client = createClient(HealthDefinition, channel);
  return {
    name,
    async check(signal) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const response = await client.check({ service: "" }, { signal: AbortSignal.any([signal, timeout]) });
      return response.status === HealthCheckResponse_ServingStatus.SERVING;
    },
    close: () => channel.close(),
  };
}

/** Ready when every probe answers SERVING. */
export async function allReady(probes: DependencyProbe[], signal: AbortSignal): Promise<boolean> {
  const results = await Promise.all(probes.map((p) => p.check(signal).catch(() => false)));
  return results.every(Boolean);
}
