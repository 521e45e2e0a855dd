// `make demo`'s settings: the data set it generates and, optionally, a real model in place of the simulator.
import { env } from "@reviewlens/runtime/config";

export const demoSchema = {
  DEMO_SEED: env.integer(0, 4_294_967_295, 42).describe("seed of the generated reviews"),
  DEMO_RESTAURANTS: env.integer(1, 1_000_000, 10).describe("restaurants generated"),
  DEMO_MAX_REVIEWS: env.integer(1, 1_000_000, 200).describe("reviews of the largest restaurant (the others' counts fall off from it)"),
  GATEWAY_BACKEND_URLS: env
    .optional(env.string())
    .describe("a real OpenAI-compatible model server (comma-separated URLs): the demo starts no simulator and the gateway calls it; unset: the simulator in its grounded mode"),
};
