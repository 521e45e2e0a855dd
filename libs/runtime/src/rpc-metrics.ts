// RPC metrics: calls and latency by method and status code, in-flight calls.
import type { Meter } from "@opentelemetry/api";
import { isAbortError } from "abort-controller-x";
import { ServerError, Status, type ServerMiddleware } from "nice-grpc";

export function rpcMetricsMiddleware(meter: Meter): ServerMiddleware {
  const duration = meter.createHistogram("rpc_server_duration_seconds", {
    description: "gRPC server call latency by method and status code",
    unit: "s",
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] },
  });
  const calls = meter.createCounter("rpc_server_calls_total", { description: "gRPC server calls by method and status code" });
  const inFlight = meter.createUpDownCounter("rpc_server_in_flight_calls", { description: "gRPC calls being served" });
  return async function* rpcMetrics(call, context) {
    const method = call.method.path;
    const started = performance.now();
    let code = Status.OK;
    inFlight.add(1, { method });
    try {
      return yield* call.next(call.request, context);
    } catch (error) {
      code = error instanceof ServerError ? error.code : isAbortError(error) ? Status.CANCELLED : Status.UNKNOWN;
      throw error;
    } finally {
      inFlight.add(-1, { method });
      const attributes = { method, code: Status[code] ?? String(code) };
      calls.add(1, attributes);
      duration.record((performance.now() - started) / 1000, attributes);
    }
  };
}
