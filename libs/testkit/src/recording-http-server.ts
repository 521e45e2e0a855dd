// A loopback HTTP server that records every request and answers as the test scripts it (webhooks, REST APIs).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. /v1/pods/abc/stop. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Date.now() when the request ended. */
  at: number;
}

export interface ScriptedResponse {
  status: number;
  body?: string | object;
  contentType?: string;
}

export interface RecordingServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replaces how the server answers from now on. */
  respondWith(respond: (req: RecordedRequest) => ScriptedResponse): void;
  close(): Promise<void>;
}

export async function startRecordingServer(respond: (req: RecordedRequest) => ScriptedResponse = () => ({ status: 200, body: {} })): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let answer = respond;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded: RecordedRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString(), at: Date.now() };
      requests.push(recorded);
      const { status, body = "", contentType } = answer(recorded);
      const text = typeof body === "string" ? body : JSON.stringify(body);
      res.writeHead(status, { "content-type": contentType ?? (typeof body === "string" ? "text/plain" : "application/json") }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(respond) {
      answer = respond;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
