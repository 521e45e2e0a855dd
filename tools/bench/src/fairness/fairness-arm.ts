// One arm of the fairness benchmark: a fresh simulator and gateway (its environment decides fairness
// and weights), every tenant's open-loop load sent at once through the gateway's gRPC API naming
// its tenant (x-tenant), arrivals for `durationS`, then `graceS` for what is still running before
// everything left is cut off. Outputs per tenant, in virtual seconds.
import { interArrivalTimes } from "../load/arrival-process.js";
import type { PromptTokenizer } from "@reviewlens/tokenizer";
import { randomDataset } from "../load/random-dataset.js";
import { RandomSource } from "../load/random-source.js";
import type { BenchRequest, RequestOutput } from "../load/request-output.js";
import { runBenchmark } from "../load/run-benchmark.js";
import { startSimStack } from "../experiments/sim-stack.js";
import { createGatewayTarget } from "../targets/gateway-grpc-target.js";

export interface TenantLoad {
  tenant: string;
  requests: BenchRequest[];
  interArrival: number[];
  /** At most this many of its requests in flight (the rest wait at the client, in arrival order). */
  maxConcurrency?: number | undefined;
}

export interface LoadShape {
  /** Requests per virtual second (Poisson). */
  rate: number;
  inputLen: number;
  outputLen: number;
  /** Lengths drawn from (1 - rangeRatio) to (1 + rangeRatio) times the above. */
  rangeRatio: number;
}

/** A tenant's Poisson arrivals over `durationS` of prompts with Qwen2.5 token lengths. */
export function tenantLoad(tenant: string, shape: LoadShape, durationS: number, seed: number, tokenizer: PromptTokenizer): TenantLoad {
  const gaps = interArrivalTimes(Math.ceil(shape.rate * durationS * 1.5) + 10, { requestRate: shape.rate, burstiness: 1 }, new RandomSource(seed));
  let t = 0;
  const interArrival = gaps.filter((g) => (t += g) <= durationS);
  const requests = randomDataset({ numPrompts: interArrival.length, inputLen: shape.inputLen, outputLen: shape.outputLen, rangeRatio: shape.rangeRatio, prefixLen: 0 }, new RandomSource(seed + 1), tokenizer).map(
    (r) => ({ ...r, priority: "interactive" as const, kind: tenant }),
  );
  return { tenant, requests, interArrival };
}

export interface ArmRun {
  name: string;
  outputs: Record<string, RequestOutput[]>;
  /** Virtual seconds from the start when what was left was cut off. */
  cutOffAt: number;
}

export interface ArmOptions {
  timeScale: number;
  simArgs: string[];
  gatewayEnv: Record<string, string>;
  durationS: number;
  graceS: number;
  log: (s: string) => void;
}

export async function runFairnessArm(name: string, loads: readonly TenantLoad[], o: ArmOptions): Promise<ArmRun> {
  o.log(`${name}: ${loads.map((l) => `${l.tenant} ${l.requests.length} requests`).join(", ")} over ${o.durationS} s (virtual)`);
  const stack = await startSimStack({ timeScale: o.timeScale, simArgs: o.simArgs, gateway: true, gatewayEnv: o.gatewayEnv });
  const cutOff = new AbortController();
  const cutOffAt = o.durationS + o.graceS;
  const timer = setTimeout(() => cutOff.abort(new Error("cut off at the end of the arm")), cutOffAt * o.timeScale * 1_000);
  try {
    const runs = await Promise.all(
      loads.map(async (load) => {
        const target = createGatewayTarget({ address: stack.gateway!.grpcAddress, model: "", ignoreEos: true, defaultPriority: "interactive", metadata: { "x-tenant": load.tenant } });
        try {
          return await runBenchmark({ requests: load.requests, interArrival: load.interArrival, maxConcurrency: load.maxConcurrency, timeScale: o.timeScale, target, signal: cutOff.signal });
        } finally {
          await target.close();
        }
      }),
    );
    const outputs = Object.fromEntries(loads.map((l, i) => [l.tenant, runs[i]!.outputs]));
    for (const l of loads) o.log(`  ${l.tenant}: ${outputs[l.tenant]!.filter((x) => x.success).length} completed of ${outputs[l.tenant]!.length} sent`);
    return { name, outputs, cutOffAt };
  } finally {
    clearTimeout(timer);
    await stack.stop();
  }
}
