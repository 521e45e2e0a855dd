// Starts and stops vllm-sim replicas as local processes: the benchmark's stand-in for GPU pods.
// A replica counts as started (and costs replica-seconds) from spawn; it is ready only after its
// cold-start delay (model load), like a vLLM pod behind a startup probe.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

export interface SimReplicaOptions {
  timeScale: number;
  profile: string;
  /** Further simulator flags (e.g. --max-num-seqs). */
  extraArgs?: string[] | undefined;
}

export interface SimReplica {
  readonly url: string;
  readonly port: number;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function launchSimReplica(options: SimReplicaOptions, timeoutMs = 180_000): Promise<SimReplica> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "services/vllm-sim/src/main.ts", "--port", "0", "--host", "127.0.0.1", "--time-scale", String(options.timeScale), "--profile", options.profile, ...(options.extraArgs ?? [])],
    { cwd: repoRoot, env: { ...process.env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (l) => stderr.push(l));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vllm-sim did not listen within ${timeoutMs} ms: ${stderr.join("\n")}`)), timeoutMs);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const parsed = JSON.parse(line) as { port?: unknown };
        if (typeof parsed.port === "number") {
          clearTimeout(timer);
          resolve(parsed.port);
        }
      } catch {
        // not a JSON line
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`vllm-sim exited with ${code} before listening: ${stderr.join("\n")}`));
    });
  }).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw error;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
