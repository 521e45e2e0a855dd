// Runs the Portkey AI Gateway as a child process on a free loopback port, in front of the given
// simulator replicas, with the load generator's OpenAI target pointed at it.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { freePort, waitFor } from "@reviewlens/testkit";
import { createOpenAiTarget } from "../targets/openai-target.js";
import type { BenchTarget } from "../targets/bench-target.js";
import { portkeyConfig, portkeyHeaders, type PortkeyConfig } from "./portkey-config.js";
import type { PortkeyInstall } from "./portkey-install.js";

export interface PortkeyProcess {
  url: string;
  pid: number;
  config: PortkeyConfig;
  /** Lines it printed on stderr (its errors), for the report. */
  stderr: string[];
  /** An OpenAI-compatible target through Portkey (`/v1/completions`, streamed). */
  target(extraHeaders?: Record<string, string>): BenchTarget;
  stop(): Promise<void>;
}

/**
 * Portkey's server listens on every interface (`serve({ port })`, no host option): this preload
 * binds a listen call that names no host to 127.0.0.1, so the benchmark's traffic stays on loopback.
 */
const LOOPBACK_PRELOAD = `data:text/javascript,${encodeURIComponent(
  'import net from "node:net"; const listen = net.Server.prototype.listen; net.Server.prototype.listen = function (...a) { if (typeof a[0] === "number") { if (a[1] === undefined) a[1] = "127.0.0.1"; else if (typeof a[1] !== "string") a.splice(1, 0, "127.0.0.1"); } return listen.apply(this, a); };',
)}`;

export async function startPortkey(install: PortkeyInstall, backendUrls: readonly string[]): Promise<PortkeyProcess> {
  const port = await freePort();
  // `--port=N`: its parser reads only the `=` form, so `--port N` is ignored and it takes 8787.
  const child = spawn(process.execPath, [`--import=${LOOPBACK_PRELOAD}`, install.entry, `--port=${port}`, "--headless"], {
    cwd: install.dir,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = once(child, "exit");
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on("line", (l) => stderr.length < 200 && stderr.push(l));
  createInterface({ input: child.stdout }).on("line", () => undefined);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`Portkey exited with ${child.exitCode}: ${stderr.join("\n")}`);
      return (await fetch(url).catch(() => undefined)) !== undefined;
    }, "the Portkey gateway to answer", 120_000, 200);
  } catch (error) {
    await stop();
    throw error;
  }
  const config = portkeyConfig(backendUrls);
  return {
    url,
    pid: child.pid!,
    config,
    stderr,
    target: (extraHeaders = {}) =>
      createOpenAiTarget({ baseUrl: url, endpoint: "/v1/completions", model: "Qwen/Qwen2.5-7B-Instruct", ignoreEos: true, headers: { ...portkeyHeaders(config), ...extraHeaders } }),
    stop,
  };
}
