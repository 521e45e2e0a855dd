// Starts a service as a real child process on free ports and waits until it listens.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

const tsxArgs = ["--import", "tsx"];

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly grpcPort: number;
  readonly metricsPort: number;
  readonly address: string;
  /** Every log line seen so far (JSON parsed where possible). */
  readonly logs: Array<Record<string, unknown>>;
  readonly stderr: string[];
  /** Sends SIGTERM and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface StartOptions {
  /** Entry file relative to the repository root (or to `cwd`), e.g. services/sentiment/src/main.ts. */
  entry: string;
  /** Node's arguments before the entry: TypeScript through tsx by default; [] runs an image bundle. */
  nodeArgs?: string[];
  /** Working directory, the repository root by default. */
  cwd?: string;
  env?: Record<string, string>;
  args?: string[];
  /** A log line predicate that means "ready"; default: a line with grpcPort. */
  readyWhen?: (line: Record<string, unknown>) => boolean;
  timeoutMs?: number;
}

export async function startServiceProcess(options: StartOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? tsxArgs), options.entry, ...(options.args ?? [])], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, GRPC_PORT: "0", METRICS_PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  const exited = once(child, "exit").then(([code]) => code as number | null);
  createInterface({ input: child.stderr }).on("line", (line) => stderr.push(line));
  const readyWhen = options.readyWhen ?? ((l) => typeof l["grpcPort"] === "number");
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        parsed = { msg: line };
      }
      logs.push(parsed);
      if (readyWhen(parsed)) resolve(parsed);
    });
    void exited.then((code) => reject(new Error(`${options.entry} exited with ${code} before it was ready:\n${stderr.join("\n")}`)));
  });
  // A hang guard, not a speed bound: loading TypeScript through tsx takes minutes on a busy machine.
  const timeoutMs = Math.max(options.timeoutMs ?? 0, 180_000);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${options.entry} not ready within ${timeoutMs} ms:\n${stderr.join("\n")}`)), timeoutMs);
  });
  let line: Record<string, unknown>;
  try {
    line = await Promise.race([ready, timeout]);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const grpcPort = Number(line["grpcPort"] ?? 0);
  return {
    child,
    grpcPort,
    metricsPort: Number(line["metricsPort"] ?? 0),
    address: `127.0.0.1:${grpcPort}`,
    logs,
    stderr,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

/** Runs a command to completion and returns its exit code and output. */
export async function runToExit(entry: string, env: Record<string, string>, args: string[] = [], options: Pick<StartOptions, "nodeArgs" | "cwd"> = {}) {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? tsxArgs), entry, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}
