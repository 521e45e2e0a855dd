// What every three-path part of bench-gateway shares: the run's settings and the Portkey install.
import type { PromptTokenizer } from "@reviewlens/tokenizer";
import { randomDataset, type RandomDatasetOptions } from "../load/random-dataset.js";
import { RandomSource } from "../load/random-source.js";
import type { BenchRequest } from "../load/request-output.js";
import { runArm } from "../experiments/experiment-arm.js";
import type { PortkeyInstall } from "./portkey-install.js";
import type { PeerPath } from "./peer-stack.js";

export interface PeerContext {
  /** The simulators' time scale for the scheduling parts (overhead and overload run at 1). */
  timeScale: number;
  /** Fewer requests and shorter runs (`--quick`): a check that a part works, not its figures. */
  quick: boolean;
  portkey: PortkeyInstall;
  tokenizer: PromptTokenizer;
  seed: number;
  log: (s: string) => void;
}

/**
 * Portkey's OpenAI provider drops the fields it does not know, vLLM's `ignore_eos` among them, so
 * every simulator of these parts runs with natural outputs far longer than any `max_tokens` asked:
 * every path then generates exactly the tokens asked for.
 */
export const NO_NATURAL_EOS = ["--mean-output-tokens", "1000000"];

export const dataset = (ctx: PeerContext, o: Omit<RandomDatasetOptions, "prefixLen"> & { prefixLen?: number }, seed: number): BenchRequest[] =>
  randomDataset({ prefixLen: 0, ...o }, new RandomSource(seed), ctx.tokenizer);

/** Requests/s the simulator completes when everything arrives at once, straight to it. */
export async function saturation(ctx: PeerContext, direct: PeerPath, requests: BenchRequest[], timeScale: number): Promise<number> {
  const arm = await runArm({ name: "saturation probe (direct)", target: await direct.target(), requests, timeScale, log: ctx.log });
  return arm.metrics["request_throughput"] as number;
}
