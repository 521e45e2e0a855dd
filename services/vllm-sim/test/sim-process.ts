// Starts a real simulator process on a free loopback port for a test file.
import { startServiceProcess, type ServiceProcess } from "@reviewlens/testkit";

export interface Sim {
  url: string;
  process: ServiceProcess;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  json<T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

export async function startSim(args: string[] = [], env: Record<string, string> = {}): Promise<Sim> {
  const process = await startServiceProcess({
    entry: "services/vllm-sim/src/main.ts",
    args: ["--port", "0", "--host", "127.0.0.1", ...args],
    env,
    readyWhen: (line) => typeof line["port"] === "number",
    // Loading the 11 MB vocabulary takes a few CPU seconds; a shared machine may stretch that a lot.
    timeoutMs: 120_000,
  });
  const port = Number(process.logs.find((l) => typeof l["port"] === "number")!["port"]);
  const url = `http://127.0.0.1:${port}`;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return {
    url,
    process,
    post,
    async json<T>(path: string, body?: unknown, headers?: Record<string, string>) {
      const res = body === undefined ? await fetch(`${url}${path}`) : await post(path, body, headers);
      if (!res.ok) throw new Error(`${path} -> ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    },
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
    async stop() {
      await process.stop();
    },
  };
}

/** The value of one sample line of a Prometheus exposition (labels matched as a substring). */
export function sample(text: string, name: string, labelPart = ""): number {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith("{") || rest.startsWith(" "))) continue;
    if (labelPart !== "" && !rest.includes(labelPart)) continue;
    return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return Number.NaN;
}

/** Reads an SSE response to the end and returns the parsed data events (without [DONE]). */
export async function readSse(res: Response): Promise<{ events: Array<Record<string, unknown>>; done: boolean }> {
  const text = await res.text();
  const events: Array<Record<string, unknown>> = [];
  let done = false;
  for (const block of text.split("\n\n")) {
    if (!block.startsWith("data: ")) continue;
    const data = block.slice(6);
    if (data === "[DONE]") done = true;
    else events.push(JSON.parse(data) as Record<string, unknown>);
  }
  return { events, done };
}
