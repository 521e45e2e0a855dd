// `reviewlens scheduler run-once ...`: runs the tier scheduler program (the same one the
// Kubernetes CronJob runs) against the services this CLI is pointed at.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { ConnectionOptions } from "../connection.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

export async function runScheduler(connection: ConnectionOptions, args: string[]): Promise<number> {
  const child = spawn(process.execPath, ["--import", "tsx", "services/scheduler/src/main.ts", ...args], {
    cwd: repoRoot,
    stdio: "inherit",
    env: {
      ...process.env,
      VECTOR_SEARCH_ADDR: connection.vectorSearch,
      SENTIMENT_ADDR: connection.sentiment,
      SUMMARIZATION_ADDR: connection.summarization,
    },
  });
  const [code] = (await once(child, "exit")) as [number | null];
  return code ?? 1;
}
