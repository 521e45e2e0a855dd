// An HTTP proxy on loopback that forwards every request to a target unchanged (streaming both ways)
// and records its method, path, headers and body: what the target received, as the target got it.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxiedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The request body, complete once the request has been forwarded in full. */
  body: string;
}

export interface RecordingProxy {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly seen: ProxiedRequest[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const seen: ProxiedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const recorded: ProxiedRequest = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: "" };
    seen.push(recorded);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => (recorded.body = Buffer.concat(chunks).toString()));
    const upstream = httpRequest(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
