// The simulator's HTTP surface on node:http (no framework: the streaming hot path writes strings
// straight to the socket). OpenAI/vLLM routes plus /sim/* admin routes for faults and engine steps.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "@reviewlens/runtime";
import type { Registry } from "prom-client";
import type { OptionalEndpoint } from "../config.js";
import type { EngineCore } from "../engine/engine-core.js";
import { ApiError, badField, sendError, sendJson } from "./api-error.js";
import type { EmbeddingsEndpoint } from "./embeddings-handler.js";
import { FaultSettingsError } from "./fault-injector.js";
import { answerGenerationError, handleGeneration, type GenerationDeps } from "./generation-handler.js";
import type { ModelLoad } from "./model-load.js";
import { readJsonBody } from "./request-body.js";
import { detokenize, tokenize } from "./tokenize-handler.js";

export interface SimServerDeps extends GenerationDeps {
  core: EngineCore;
  metrics: Registry;
  embeddings: EmbeddingsEndpoint;
  logger: Logger;
  startedAt: number;
  /** Absent: loaded from the start. */
  modelLoad?: ModelLoad;
  /** Routes left out, so the simulator answers like a server that has none (404). */
  disabledEndpoints: readonly OptionalEndpoint[];
}

const OPTIONAL_ROUTES: Record<OptionalEndpoint, string[]> = {
  metrics: ["GET /metrics"],
  tokenize: ["POST /tokenize", "POST /detokenize"],
  health: ["GET /health"],
};

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export function createSimServer(deps: SimServerDeps): Server {
  const { profile, core, tokenizer } = deps;
  const json = (fn: (body: Record<string, unknown>) => unknown): Handler => async (req, res) => sendJson(res, 200, fn(await readJsonBody(req)));
  const routes: Record<string, Handler> = {
    "GET /health": (_req, res) => {
      res.writeHead(200, { "content-length": 0 });
      res.end();
    },
    "GET /ping": (_req, res) => sendJson(res, 200, {}),
    "GET /version": (_req, res) => sendJson(res, 200, { version: "vllm-sim" }),
    "GET /v1/models": (_req, res) =>
      sendJson(res, 200, {
        object: "list",
        data: [
          {
            id: profile.servedModelName,
            object: "model",
            created: Math.floor(deps.startedAt / 1000),
            owned_by: "vllm",
            root: profile.servedModelName,
            parent: null,
            max_model_len: profile.maxModelLen,
          },
        ],
      }),
    "POST /v1/completions": (req, res) => handleGeneration("completion", req, res, deps),
    "POST /v1/chat/completions": (req, res) => handleGeneration("chat", req, res, deps),
    "POST /tokenize": json((body) => tokenize(body, tokenizer, profile.servedModelName, profile.maxModelLen)),
    "POST /detokenize": json((body) => detokenize(body, tokenizer)),
    "POST /v1/embeddings": json((body) => deps.embeddings.handle(body)),
    "GET /metrics": async (_req, res) => {
      const text = await deps.metrics.metrics();
      res.writeHead(200, { "content-type": deps.metrics.contentType, "content-length": Buffer.byteLength(text) });
      res.end(text);
    },
    "POST /reset_prefix_cache": (_req, res) => {
      core.scheduler.kv.resetPrefixCache();
      sendJson(res, 200, {});
    },
    "GET /sim/faults": (_req, res) => sendJson(res, 200, deps.faults.settings),
    "POST /sim/faults": json((body) => deps.faults.update(body)),
    "GET /sim/steps": (_req, res, url) => {
      const limit = Number(url.searchParams.get("limit") ?? "1000");
      const since = Number(url.searchParams.get("since") ?? "-1");
      if (!Number.isInteger(limit) || limit < 1) throw badField("limit", "must be a positive integer");
      if (!Number.isInteger(since)) throw badField("since", "must be an integer step index");
      sendJson(res, 200, { steps: core.steps.recent(limit, since), total: core.steps.total });
    },
    "GET /sim/stats": (_req, res) =>
      sendJson(res, 200, {
        virtualNowMs: deps.loop.now(),
        timeScale: deps.loop.timeScale,
        running: core.numRunning,
        waiting: core.numWaiting,
        kvUsage: core.kvUsage,
        kvBlocks: core.scheduler.kv.numBlocks,
        steps: core.steps.total,
        profile,
        admission: {
          ...deps.admission.limits,
          unfinished: core.numUnfinished,
          prefillBacklogTokens: core.numPrefillBacklogTokens,
        },
        disabledEndpoints: deps.disabledEndpoints,
        scheduler: {
          maxNumBatchedTokens: core.config.maxNumBatchedTokens,
          maxNumSeqs: core.config.maxNumSeqs,
          policy: core.config.policy,
          blockSize: core.config.blockSize,
          enablePrefixCaching: core.config.enablePrefixCaching,
        },
      }),
  };
  for (const endpoint of deps.disabledEndpoints) for (const route of OPTIONAL_ROUTES[endpoint]) delete routes[route];

  return createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const url = new URL(req.url ?? "/", "http://sim");
    const route = routes[`${req.method} ${url.pathname}`];
    if (deps.modelLoad?.refuses(url.pathname)) {
      // vLLM's /health fails until the engine is up; the model's routes cannot answer either.
      sendError(res, new ApiError(503, "the model is still loading (start-up delay); retry shortly"));
      return;
    }
    if (!route) {
      const known = Object.keys(routes).some((r) => r.endsWith(` ${url.pathname}`));
      sendError(res, new ApiError(known ? 405 : 404, known ? `${req.method} is not allowed on ${url.pathname}` : `no route ${url.pathname}`));
      return;
    }
    Promise.resolve()
      .then(() => route(req, res, url))
      .catch((error: unknown) => {
        if (error instanceof FaultSettingsError) error = new ApiError(400, error.message, error.field);
        if (!(error instanceof ApiError)) deps.logger.error({ err: error, path: url.pathname }, "request failed");
        answerGenerationError(res, error);
      });
  });
}
