// Starts components as child processes, relays their logs with a name prefix, stops them together.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Component } from "./components.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface RunningComponent {
  component: Component;
  child: ChildProcess;
  exited: Promise<number | null>;
}

export interface DevStack {
  running: RunningComponent[];
  /** Resolves with the first component that exits on its own. */
  firstExit: Promise<RunningComponent>;
  stop(): Promise<void>;
}

export type LineSink = (component: string, line: string) => void;

/** Renders a JSON log line as "level message key=value" for people. */
export function humanLine(line: string): string {
  try {
    const { level, msg, time: _time, service: _service, trace_id: _t, span_id: _s, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const shown = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
    const extra = Object.entries(rest)
      .map(([k, v]) => `${k}=${shown(v)}`)
      .join(" ");
    return `${shown(level ?? "").padEnd(5)} ${shown(msg ?? "")}${extra ? `  ${extra}` : ""}`;
  } catch {
    return line;
  }
}

export function startDevStack(components: Component[], sink: LineSink, baseEnv: NodeJS.ProcessEnv = process.env): DevStack {
  const running = components.map((component) => {
    const child = spawn(process.execPath, ["--import", "tsx", component.entry], {
      cwd: repoRoot,
      env: { ...baseEnv, ...component.env },
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group: a terminal's Ctrl-C reaches only us, and we stop children in order.
      detached: true,
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => sink(component.name, line));
    }
    const exited = once(child, "exit").then(([code]) => code as number | null);
    return { component, child, exited };
  });
  let stopping = false;
  const firstExit = Promise.race(running.map((r) => r.exited.then(() => r)));
  return {
    running,
    firstExit: firstExit.then((r) => (stopping ? new Promise<never>(() => {}) : r)),
    async stop() {
      stopping = true;
      // Reverse start order: callers first, so they drain before what they call.
      for (const r of [...running].reverse()) {
        if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGTERM");
      }
      const killer = setTimeout(() => running.forEach((r) => r.child.kill("SIGKILL")), 30_000);
      await Promise.all(running.map((r) => r.exited));
      clearTimeout(killer);
    },
  };
}
