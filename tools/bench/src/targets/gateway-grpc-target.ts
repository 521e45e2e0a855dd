// The inference gateway over gRPC: Generate streams text deltas; the last message carries usage.
import { common, inference } from "@reviewlens/contracts";
import { createServiceClient } from "@reviewlens/runtime";
import { ClientError, Metadata, Status } from "nice-grpc";
import { failedOutput, type BenchPriority, type BenchRequest, type RequestOutput } from "../load/request-output.js";
import { StreamTimer, type BenchTarget } from "./bench-target.js";

export interface GatewayTargetOptions {
  address: string;
  model: string;
  ignoreEos: boolean;
  defaultPriority: BenchPriority;
  /** Sent with every call (e.g. x-tenant: the tenant the gateway counts the requests against). */
  metadata?: Record<string, string>;
  /** Sent as the request's ttft_deadline_ms (the gateway refuses what it cannot start in time). */
  ttftDeadlineMs?: number;
}

const PRIORITIES: Record<BenchPriority, common.Priority> = {
  interactive: common.Priority.PRIORITY_INTERACTIVE,
  standard: common.Priority.PRIORITY_STANDARD,
  batch: common.Priority.PRIORITY_BATCH,
};

export function createGatewayTarget(options: GatewayTargetOptions): BenchTarget {
  // The gateway's gRPC API key when it requires one (GATEWAY_GRPC_API_KEY, as the services send it).
  const { client, channel } = createServiceClient(inference.InferenceGatewayServiceDefinition, options.address, { apiKey: process.env["GATEWAY_GRPC_API_KEY"] });
  return {
    backend: "reviewlens-grpc",
    async send(request: BenchRequest, startTime: number, signal: AbortSignal): Promise<RequestOutput> {
      const timer = new StreamTimer();
      const sentAt = performance.now();
      let usage: number | undefined;
      let pushbackMs: number | undefined;
      try {
        const stream = client.generate(
          {
            request: {
              prompt: { $case: "text", value: request.prompt },
              model: options.model,
              sampling: { maxTokens: request.outputLen, temperature: 0, ignoreEos: options.ignoreEos },
              priority: PRIORITIES[request.priority ?? options.defaultPriority],
              ttftDeadlineMs: options.ttftDeadlineMs ?? 0,
            },
          },
          {
            signal,
            ...(options.metadata ? { metadata: Metadata(options.metadata) } : {}),
            onTrailer(trailer) {
              const pushback = trailer.get("grpc-retry-pushback-ms");
              if (pushback !== undefined) pushbackMs = Number(pushback);
            },
          },
        );
        let timings: RequestOutput["serverTimings"];
        for await (const message of stream) {
          timer.onText(message.textDelta);
          if (message.usage) usage = message.usage.outputTokens;
          if (message.timings) timings = { queue: message.timings.queueMs / 1000, ttft: message.timings.ttftMs / 1000 };
        }
        return { ...timer.output(request, startTime, usage), ...(timings ? { serverTimings: timings } : {}) };
      } catch (error) {
        const status = error instanceof ClientError ? Status[error.code] : undefined;
        return failedOutput(request, error, startTime, { status, retryAfterMs: pushbackMs, sentAt });
      }
    },
    async close() {
      channel.close();
    },
  };
}
