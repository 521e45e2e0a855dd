// podman from the tests: the repository's containers.conf, the image `make image` built, and
// containers that fail with their last log lines when they exit instead of becoming ready.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "@reviewlens/testkit";

export const image = process.env["REVIEWLENS_IMAGE"] ?? "localhost/reviewlens:local";
const env = { ...process.env, CONTAINERS_CONF: process.env["CONTAINERS_CONF"] ?? join(repoRoot, "containers.conf") };

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** podman ARGS, synchronously; throws with podman's message unless `allowFailure`. */
export function podman(args: string[], allowFailure = false): Result {
  const r = spawnSync("podman", args, { encoding: "utf8", env, maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });
  if (r.error) throw r.error;
  const result = { code: r.status, stdout: r.stdout, stderr: r.stderr };
  if (!allowFailure && r.status !== 0) throw new Error(`podman ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  return result;
}

/** podman ARGS without blocking the event loop (for calls that overlap a running analysis). */
export function podmanAsync(args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn("podman", args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ContainerState {
  status: string;
  exitCode: number;
  restarts: number;
}

export function containerState(name: string): ContainerState {
  const out = podman(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}", name]).stdout.trim().split(" ");
  return { status: out[0] ?? "", exitCode: Number(out[1]), restarts: Number(out[2]) };
}

export const lastLogLines = (name: string, lines = 20) => {
  const r = podman(["logs", "--tail", String(lines), name], true);
  return `${r.stdout}${r.stderr}`.trim();
};

/** Waits until the container has exited (a run-to-completion pod) and returns its state. */
export async function waitForExit(name: string, what: string, timeoutMs = 600_000): Promise<ContainerState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = containerState(name);
    if (state.status === "exited" || state.status === "stopped") return state;
    if (Date.now() > deadline) throw new Error(`container ${name} still ${state.status} after ${timeoutMs} ms (${what}); its last log lines:\n${lastLogLines(name)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Waits until `ready()` holds, failing at once with the container's last log lines when it exits
 * or restarts (a crash loop), not after a time-out. `timeoutMs` bounds a container that hangs.
 */
export async function waitForContainer(name: string, ready: () => Promise<boolean>, what: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    const state = containerState(name);
    if (state.status === "exited" || state.status === "stopped" || state.restarts > 0) {
      throw new Error(`container ${name} ${state.status} (exit code ${state.exitCode}, ${state.restarts} restarts) before ${what}; its last log lines:\n${lastLogLines(name)}`);
    }
    if (Date.now() > deadline) throw new Error(`container ${name} not ${what} within ${timeoutMs} ms; its last log lines:\n${lastLogLines(name)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
