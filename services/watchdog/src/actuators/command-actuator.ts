// Stops the GPU server with a configured shell command, e.g. `docker stop vllm` or `systemctl stop vllm`.
import { spawn } from "node:child_process";
import { withTimeout, type Actuator } from "./actuator.js";

export interface CommandActuatorOptions {
  command: string;
  timeoutMs?: number;
}

export function createCommandActuator(options: CommandActuatorOptions): Actuator {
  return {
    target: `command \`${options.command}\``,
    stop(signal) {
      return new Promise<void>((resolve, reject) => {
        // Its own process group, so a timeout ends the shell and everything it started.
        const child = spawn("/bin/sh", ["-c", options.command], { stdio: ["ignore", "ignore", "pipe"], detached: true });
        const deadline = withTimeout(signal, options.timeoutMs ?? 60_000);
        const kill = () => {
          try {
            if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
          } catch {
            // already gone
          }
          reject(new Error(`stop command did not finish: ${String(deadline.reason)}`));
        };
        deadline.addEventListener("abort", kill, { once: true });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500)));
        child.on("error", (error) => reject(new Error(`stop command failed to run: ${error.message}`)));
        child.on("close", (code, sig) => {
          deadline.removeEventListener("abort", kill);
          if (code === 0) resolve();
          else reject(new Error(`stop command exited with ${code ?? sig}${stderr.trim() ? `: ${stderr.trim()}` : ""}`));
        });
      });
    },
  };
}
