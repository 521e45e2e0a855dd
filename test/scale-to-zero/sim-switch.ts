// The GPU server of the scale-to-zero test: a simulator the watchdog stops and starts with shell
// commands (WATCHDOG_ACTUATOR=command), on a fixed port, loading its model for a while after each start.
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "@reviewlens/testkit";

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

export interface SimSwitch {
  readonly url: string;
  /** What the watchdog runs to start it: records the start, then launches the simulator in the background. */
  readonly startCommand: string;
  /** What the watchdog runs to stop it: SIGTERM, then waits until the process is gone. */
  readonly stopCommand: string;
  /** Starts it from the test (not counted as a watchdog start). */
  launch(): void;
  /** How many times the watchdog's start command ran. */
  starts(): Promise<number>;
  /** Whether the simulator process is alive. */
  running(): Promise<boolean>;
  kill(): Promise<void>;
}

export function simSwitch(dir: string, port: number, simArgs: string[]): SimSwitch {
  const pidFile = join(dir, "sim.pid");
  const startsFile = join(dir, "starts");
  const launch = [
    `cd ${quote(repoRoot)} &&`,
    quote(process.execPath),
    "--import tsx services/vllm-sim/src/main.ts --host 127.0.0.1",
    `--port ${port}`,
    ...simArgs.map(quote),
    `>> ${quote(join(dir, "sim.log"))} 2>&1 < /dev/null & echo $! > ${quote(pidFile)}`,
  ].join(" ");
  const pid = async () => Number((await readFile(pidFile, "utf8").catch(() => "")).trim()) || undefined;
  const alive = (p: number) => {
    try {
      process.kill(p, 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    url: `http://127.0.0.1:${port}`,
    startCommand: `echo start >> ${quote(startsFile)} && ${launch}`,
    stopCommand: `pid=$(cat ${quote(pidFile)}) && kill "$pid" && while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done`,
    launch: () => void execFileSync("/bin/sh", ["-c", launch], { stdio: "ignore" }),
    starts: async () => (await readFile(startsFile, "utf8").catch(() => "")).split("\n").filter((l) => l === "start").length,
    running: async () => {
      const p = await pid();
      return p !== undefined && alive(p);
    },
    async kill() {
      const p = await pid();
      if (p !== undefined && alive(p)) process.kill(p, "SIGKILL");
    },
  };
}
