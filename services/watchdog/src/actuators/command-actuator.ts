// Stops and starts the GPU server with configured shell commands, e.g. `docker stop vllm` and `docker start vllm`.
import { spawn } from "node:child_process";
import { withTimeout, type Actuator } from "./actuator.js";

export interface CommandActuatorOptions {
  command: string;
  /** Without it the actuator cannot wake the server (config refuses WATCHDOG_WAKE then). */
  startCommand?: string | undefined;
  timeoutMs?: number;
}

export function createCommandActuator(options: CommandActuatorOptions): Actuator {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    target: `command \`${options.command}\``,
    stop: (signal) => runShell(options.command, "stop", timeoutMs, signal),
    start: (signal) =>
      options.startCommand ? runShell(options.startCommand, "start", timeoutMs, signal) : Promise.reject(new Error("no start command configured (WATCHDOG_START_COMMAND)")),
  };
}

/** Runs `command` with /bin/sh -c; resolves on exit 0, rejects with the exit code and the end of stderr. */
function runShell(command: string, what: "stop" | "start", timeoutMs: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // Its own process group, so a timeout ends the shell and everything it started.
    const child = spawn("/bin/sh", ["-c", command], { stdio: ["ignore", "ignore", "pipe"], detached: true });
    const deadline = withTimeout(signal, timeoutMs);
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
      reject(new Error(`${what} command did not finish: ${String(deadline.reason)}`));
    };
    deadline.addEventListener("abort", kill, { once: true });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500)));
    child.on("error", (error) => reject(new Error(`${what} command failed to run: ${error.message}`)));
    child.on("close", (code, sig) => {
      deadline.removeEventListener("abort", kill);
      if (code === 0) resolve();
      else reject(new Error(`${what} command exited with ${code ?? sig}${stderr.trim() ? `: ${stderr.trim()}` : ""}`));
    });
  });
}
