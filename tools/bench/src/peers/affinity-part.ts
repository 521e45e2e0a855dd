// Part 4 through the paths that spread over two replicas: Portkey's load balancing against our
// gateway's routing (least-loaded alone, and prefix affinity over gRPC and the facade), on prompts
// that share a few long prefixes (8: the analyses' instructions; 100: e.g. per-restaurant context).
import { interArrivalTimes } from "../load/arrival-process.js";
import { RandomSource } from "../load/random-source.js";
import { fetchMetricsText } from "../scaling/gateway-admin.js";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { sumOf } from "../scaling/metric-sum.js";
import { NO_NATURAL_EOS, dataset, type PeerContext } from "./peer-context.js";
import { pathFigures, ratio, type PathFigures } from "./path-figures.js";
import { runPathArm } from "./path-arm.js";
import { startPeerStack, type PathKey } from "./peer-stack.js";

export interface AffinityRow extends PathFigures {
  prefixes: number;
  routing: string;
  prefix_cache_hit_rate: number;
}

async function prefixCacheCounters(simUrls: readonly string[]): Promise<{ hits: number; queries: number }> {
  let hits = 0;
  let queries = 0;
  for (const url of simUrls) {
    const samples = parsePrometheusTextFormat(await fetchMetricsText(`${url}/metrics`));
    hits += sumOf(samples, ["vllm:prefix_cache_hits_total"]) ?? 0;
    queries += sumOf(samples, ["vllm:prefix_cache_queries_total"]) ?? 0;
  }
  return { hits, queries };
}

const ARMS: Array<{ routing: "least-loaded" | "prefix-affinity"; paths: PathKey[] }> = [
  { routing: "least-loaded", paths: ["grpc"] },
  { routing: "prefix-affinity", paths: ["grpc", "facade", "portkey"] },
];

export async function affinityPart(ctx: PeerContext): Promise<AffinityRow[]> {
  const rows: AffinityRow[] = [];
  const count = ctx.quick ? 150 : 400;
  for (const prefixCount of ctx.quick ? [100] : [8, 100]) {
    ctx.log(`\n== prefix affinity: 2 replicas, ${prefixCount} prefixes of ~1,500 tokens, 40 req/s, through Portkey and ours`);
    const prefixes = dataset(ctx, { numPrompts: prefixCount, inputLen: 1_500, outputLen: 1, rangeRatio: 0 }, ctx.seed + 50).map((r) => r.prompt);
    const tails = dataset(ctx, { numPrompts: count, inputLen: 120, outputLen: 32, rangeRatio: 0.2 }, ctx.seed + 51);
    const requests = tails.map((r, i) => ({ ...r, prompt: `${prefixes[i % prefixCount]}\n${r.prompt}`, promptLen: r.promptLen + 1_500 }));
    const interArrival = interArrivalTimes(count, { requestRate: 40, burstiness: 1 }, new RandomSource(ctx.seed + 52));
    for (const { routing, paths } of ARMS) {
      const stack = await startPeerStack({ replicas: 2, timeScale: ctx.timeScale, simArgs: NO_NATURAL_EOS, gateway: true, gatewayEnv: { GATEWAY_ROUTING: routing }, portkey: paths.includes("portkey") ? ctx.portkey : undefined });
      try {
        for (const key of paths) {
          const path = stack.paths[key]!;
          const before = await prefixCacheCounters(path.simUrls);
          const result = await runPathArm(path, { label: key === "portkey" ? "loadbalance" : routing, requests, interArrival, timeScale: ctx.timeScale, log: ctx.log });
          const after = await prefixCacheCounters(path.simUrls);
          rows.push({ prefixes: prefixCount, routing: key === "portkey" ? "Portkey loadbalance (equal weights)" : routing, ...pathFigures(result), prefix_cache_hit_rate: ratio(after.hits - before.hits, after.queries - before.queries) });
        }
      } finally {
        await stack.stop();
      }
    }
  }
  return rows;
}
