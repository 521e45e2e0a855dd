// The benchmark's GPU pod: a power switch in front of one long-running simulator. Off: its port
// refuses connections (a stopped RunPod pod, a Deployment at zero). Started: its port opens, /health
// and the model's routes answer 503 while the model loads (/metrics answers, as vLLM's does), then
// everything goes through to the simulator. The watchdog flips it with its command actuator
// (curl to the control port); the timeline prices the time it was on. A simulator process started
// per wake would bill Node's start-up on this busy machine as GPU time; the switch bills the model load only.
import { once } from "node:events";
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { freePort } from "@reviewlens/testkit";
import { PodTimeline } from "./pod-timeline.js";

export interface SwitchedPodOptions {
  /** The simulator everything goes to once loaded. */
  backendUrl: string;
  /** Wall milliseconds of model load after each start. */
  loadMs: number;
  /** The benchmark's virtual clock (ms), for the timeline. */
  now(): number;
}

export interface SwitchedPod {
  readonly url: string;
  readonly controlUrl: string;
  readonly timeline: PodTimeline;
  start(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

const ANSWERED_WHILE_LOADING = new Set(["/metrics"]);

export async function startSwitchedPod(options: SwitchedPodOptions): Promise<SwitchedPod> {
  const backend = new URL(options.backendUrl);
  const port = await freePort();
  const timeline = new PodTimeline("off", options.now());
  let loadedAt = 0;
  let loadTimer: NodeJS.Timeout | undefined;

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request(
      { host: backend.hostname, port: backend.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  };
  // Idle connections kept as long as the simulator keeps them: with Node's default 5 s, the gateway's
  // client on this loaded machine sometimes reused a socket the pod had just closed ("Connection error").
  const pod: Server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (performance.now() < loadedAt && !ANSWERED_WHILE_LOADING.has(path)) {
      req.resume();
      res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: "the model is loading" }));
      return;
    }
    forward(req, res);
  });

  const start = async () => {
    if (timeline.state !== "off") return;
    timeline.set("loading", options.now());
    loadedAt = performance.now() + options.loadMs;
    pod.listen(port, "127.0.0.1");
    await once(pod, "listening");
    loadTimer = setTimeout(() => timeline.set("on", options.now()), options.loadMs);
  };
  const stop = async () => {
    if (timeline.state === "off") return;
    clearTimeout(loadTimer);
    timeline.set("off", options.now());
    const closed = once(pod, "close");
    pod.close();
    pod.closeAllConnections();
    await closed;
  };

  const control = createServer((req, res) => {
    const act = req.method === "POST" && req.url === "/start" ? start : req.method === "POST" && req.url === "/stop" ? stop : undefined;
    req.resume();
    if (!act) {
      res.writeHead(req.url === "/state" ? 200 : 404).end(timeline.state);
      return;
    }
    act().then(
      () => res.writeHead(200).end(timeline.state),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  control.listen(0, "127.0.0.1");
  await once(control, "listening");

  return {
    url: `http://127.0.0.1:${port}`,
    controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    timeline,
    start,
    stop,
    async close() {
      await stop();
      control.close();
      control.closeAllConnections();
    },
  };
}
