// A lean closed-loop SSE load generator: C connections, each streaming one request after another;
// it counts `data: ` events without parsing JSON so the client costs little CPU next to the server.
import { Agent, request } from "node:http";

export interface LoadResult {
  tokens: number;
  requests: number;
  errors: number;
  wallMs: number;
}

const MARK = Buffer.from("data: {");

function countEvents(chunk: Buffer): number {
  let n = 0;
  for (let at = chunk.indexOf(MARK); at >= 0; at = chunk.indexOf(MARK, at + MARK.length)) n++;
  return n;
}

/** Streams `body` to `url` from `concurrency` loops until `durationMs` passes; tokens = content events. */
export async function runSseLoad(url: string, body: Record<string, unknown>, concurrency: number, durationMs: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const payload = JSON.stringify({ ...body, stream: true });
  const target = new URL(url);
  const result: LoadResult = { tokens: 0, requests: 0, errors: 0, wallMs: 0 };
  const start = performance.now();
  const deadline = start + durationMs;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname, method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
        (res) => {
          if (res.statusCode !== 200) result.errors++;
          res.on("data", (chunk: Buffer) => {
            if (performance.now() <= deadline) result.tokens += countEvents(chunk);
          });
          res.on("end", () => {
            result.requests++;
            resolve();
          });
          res.on("error", () => {
            result.errors++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        result.errors++;
        resolve();
      });
      req.end(payload);
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) await one();
    }),
  );
  result.wallMs = Math.min(performance.now(), deadline) - start;
  agent.destroy();
  return result;
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
export async function cpuSeconds(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100; // USER_HZ is 100 on Linux
}
