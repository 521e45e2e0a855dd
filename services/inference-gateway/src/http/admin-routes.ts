// Backend-pool admin on the facade port (the benchmark's autoscaler uses it): list, add (joins
// once healthy), drain and remove (answers when its in-flight requests finished).
import type { FastifyInstance } from "fastify";
import { InvalidArgumentError, quoted } from "@reviewlens/runtime";
import type { BackendPool, PooledBackend } from "../backend-pool.js";

function describe(b: PooledBackend) {
  return {
    url: b.id,
    healthy: b.healthy,
    draining: b.draining,
    in_flight_sequences: b.admission.inFlightSequences,
    in_flight_prefill_tokens: b.admission.inFlightPrefillTokens,
    max_sequences: b.admission.sequenceLimit,
    configured_max_sequences: b.admission.maxSeqs,
    max_prefill_tokens: b.admission.prefillBudget,
    num_requests_running: b.lastLoad.running,
    num_requests_waiting: b.lastLoad.waiting,
    kv_cache_usage: b.lastLoad.kvCacheUsage,
    last_error: b.lastError,
  };
}

function backendUrl(raw: unknown, field: string): string {
  if (typeof raw !== "string" || raw.length === 0) throw new InvalidArgumentError(field, "is required, e.g. http://127.0.0.1:8001");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidArgumentError(field, `${quoted(raw)} is not an absolute URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new InvalidArgumentError(field, "must be http or https");
  return raw.replace(/\/+$/, "");
}

export function registerAdminRoutes(app: FastifyInstance, pool: BackendPool) {
  app.get("/admin/backends", async () => ({ backends: pool.list().map(describe) }));

  app.post<{ Body: { url?: unknown } }>("/admin/backends", async (request, reply) => {
    const backend = pool.add(backendUrl(request.body?.url, "url"));
    return reply.status(201).send(describe(backend));
  });

  app.delete<{ Querystring: { url?: unknown } }>("/admin/backends", async (request, reply) => {
    const url = backendUrl(request.query.url, "url");
    const controller = new AbortController();
    reply.raw.on("close", () => controller.abort());
    const removed = await pool.drain(url, controller.signal);
    if (!removed) return reply.status(404).send({ error: { message: `no backend ${url}`, type: "invalid_request_error", param: "url", code: null } });
    return { url, removed: true };
  });
}
