// The inference gateway over gRPC: Generate streams text deltas; the last message carries usage.
import { common, inference } from "@reviewlens/contracts";
import { createServiceClient } from "@reviewlens/runtime";
import { Metadata } from "nice-grpc";
import { failedOutput, type BenchPriority, type BenchRequest, type RequestOutput } from "../load/request-output.js";
import { StreamTimer, type BenchTarget } from "./bench-target.js";

export interface GatewayTargetOptions {
  address: string;
  model: string;
  ignoreEos: boolean;
  defaultPriority: BenchPriority;
  /** Sent with every call (e.g. x-tenant: the tenant the gateway counts the requests against). */
  metadata?: Record<string, string>;
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
      let usage: number | undefined;
      try {
        const stream = client.generate(
          {
            request: {
              prompt: { $case: "text", value: request.prompt },
              model: options.model,
              sampling: { maxTokens: request.outputLen, temperature: 0, ignoreEos: options.ignoreEos },
              priority: PRIORITIES[request.priority ?? options.defaultPriority],
            },
          },
          { signal, ...(options.metadata ? { metadata: Metadata(options.metadata) } : {}) },
        );
        for await (const message of stream) {
          timer.onText(message.textDelta);
          if (message.usage) usage = message.usage.outputTokens;
        }
        return timer.output(request, startTime, usage);
      } catch (error) {
        return failedOutput(request, error, startTime);
      }
    },
    async close() {
      channel.close();
    },
  };
}
