// The ways load reaches the simulators in `bench overload`: each path starts what it needs in front
// of them (a fresh gateway per arm, so its memory is measured from start), and says which process to
// watch and, when it can, how much it holds queued and in flight. Another gateway (a peer) is one
// more entry in OVERLOAD_PATHS.
import { inference } from "@reviewlens/contracts";
import { createServiceClient } from "@reviewlens/runtime";
import { startGateway } from "../experiments/gateway-process.js";
import type { BenchTarget } from "../targets/bench-target.js";
import { createGatewayTarget } from "../targets/gateway-grpc-target.js";
import { createOpenAiTarget } from "../targets/openai-target.js";

export interface PathOptions {
  /** The simulators' URLs. */
  backends: readonly string[];
  /** The environment of the gateway (its budgets must match the simulators' flags). */
  gatewayEnv: Record<string, string>;
  /** Every request's TTFT deadline (the SLO): what the path may refuse to meet it. */
  ttftDeadlineMs: number;
  model: string;
}

export interface PathLoad {
  queued: number;
  inFlight: number;
  /** Share of requests over the last minute whose first token met the SLO, as the path measured it. */
  sloCompliance?: number;
}

export interface OpenPath {
  target: BenchTarget;
  /** The process in front of the simulators, whose memory is sampled. */
  pid: number;
  /** What it holds right now, when it can tell. */
  load?: (() => Promise<PathLoad>) | undefined;
  close(): Promise<void>;
}

export interface OverloadPath {
  name: string;
  description: string;
  open(o: PathOptions): Promise<OpenPath>;
}

/** The reviewlens gateway, with its GetStatus as the load reading. */
async function openGateway(o: PathOptions, target: (g: Awaited<ReturnType<typeof startGateway>>) => BenchTarget): Promise<OpenPath> {
  const gateway = await startGateway(o.backends, o.gatewayEnv);
  const status = createServiceClient(inference.InferenceGatewayServiceDefinition, gateway.grpcAddress);
  return {
    target: target(gateway),
    pid: gateway.process.child.pid!,
    async load() {
      const s = await status.client.getStatus({});
      return { queued: s.queues.reduce((n, q) => n + q.depth, 0), inFlight: s.backends.reduce((n, b) => n + b.inFlightSequences, 0), sloCompliance: s.sloCompliance };
    },
    async close() {
      status.channel.close();
      await gateway.stop();
    },
  };
}

export const OVERLOAD_PATHS: OverloadPath[] = [
  {
    name: "gateway-grpc",
    description: "the gateway's Generate over gRPC, ttft_deadline_ms set",
    open: (o) => openGateway(o, (g) => createGatewayTarget({ address: g.grpcAddress, model: "", ignoreEos: true, defaultPriority: "standard", ttftDeadlineMs: o.ttftDeadlineMs })),
  },
  {
    name: "openai-facade",
    description: "the gateway's OpenAI facade, /v1/completions streamed, x-ttft-deadline-ms set",
    open: (o) =>
      openGateway(o, (g) =>
        createOpenAiTarget({ baseUrl: g.httpUrl, endpoint: "/v1/completions", model: o.model, ignoreEos: true, headers: { "x-ttft-deadline-ms": String(o.ttftDeadlineMs) } }),
      ),
  },
];
