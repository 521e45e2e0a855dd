// Stops a process the way Kubernetes and Ctrl-C do and reports what every process must show then:
// its exit code and the shutdown log lines in the order they were written.
import { once } from "node:events";
import type { ServiceProcess } from "./service-process.js";

export const SHUTDOWN_LOG_LINES = ["shutting down", "draining", "drain finished", "second signal: exiting now", "shutdown failed"] as const;

export async function stopBySignal(process: ServiceProcess, signal: "SIGTERM" | "SIGINT"): Promise<{ code: number | null; shutdownLines: string[] }> {
  // The exit event can come before the last lines of stdout were read.
  const stdoutClosed = process.child.stdout?.closed ? Promise.resolve() : once(process.child.stdout!, "close");
  const code = await process.stop(signal);
  await stdoutClosed;
  const shutdownLines = process.logs.map((l) => String(l["msg"])).filter((msg) => (SHUTDOWN_LOG_LINES as readonly string[]).includes(msg));
  return { code, shutdownLines };
}
