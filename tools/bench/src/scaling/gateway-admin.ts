// The gateway's backend-pool admin endpoints on its HTTP facade: add a replica, drain one before it
// stops (the call returns when its in-flight requests have finished), and read its metrics.
export interface BackendPool {
  add(url: string, signal?: AbortSignal): Promise<void>;
  drain(url: string, signal?: AbortSignal): Promise<void>;
  list(signal?: AbortSignal): Promise<unknown>;
}

async function ok(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
  return response;
}

export function gatewayBackendPool(httpBaseUrl: string, apiKey?: string): BackendPool {
  const headers = { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  const url = (path: string) => new URL(path, httpBaseUrl).toString();
  return {
    async add(backend, signal) {
      await ok(await fetch(url("/admin/backends"), { method: "POST", headers, body: JSON.stringify({ url: backend }), signal: signal ?? null }), `add ${backend}`);
    },
    async drain(backend, signal) {
      await ok(await fetch(url(`/admin/backends?url=${encodeURIComponent(backend)}`), { method: "DELETE", headers, signal: signal ?? null }), `drain ${backend}`);
    },
    async list(signal) {
      return (await ok(await fetch(url("/admin/backends"), { headers, signal: signal ?? null }), "list backends")).json();
    },
  };
}

export async function fetchMetricsText(url: string, signal?: AbortSignal): Promise<string> {
  return (await ok(await fetch(url, { signal: signal ?? null }), `GET ${url}`)).text();
}
