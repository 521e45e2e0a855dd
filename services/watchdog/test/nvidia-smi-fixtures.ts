// The real nvidia-smi outputs of an H200 in fixtures/nvidia-smi/ (see its README), split into what each command printed.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { GpuTrace } from "./fake-nvidia-smi.js";

const read = (name: string) => readFileSync(fileURLToPath(new URL(`fixtures/nvidia-smi/${name}`, import.meta.url)), "utf8");

/** The "== what ran" sections of a file, by title, each its lines as printed. */
function sections(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let title = "";
  for (const line of text.split("\n")) {
    if (line.startsWith("== ")) title = line.slice(3);
    else if (title) out[title] = (out[title] ?? "") + (line ? `${line}\n` : "");
  }
  return out;
}

const idle = sections(read("nvidia-smi-idle.txt"));
// nvidia-smi-busy.txt: the timestamped query once a second, then the compute-apps listing.
const busyLines = read("nvidia-smi-busy.txt").split("\n").filter((l) => l.length > 0);
const timestamped = /^\d{4}\/\d\d\/\d\d /;
const TRACE_FIELDS = ["timestamp", "utilization.gpu", "memory.used"];
const trace = (lines: string[]): GpuTrace => ({ fields: TRACE_FIELDS, samples: lines.map((l) => [l]) });

export const nvidiaSmiFixtures = {
  list: idle["nvidia-smi -L"]!,
  /** --query-gpu=index,name,uuid,utilization.gpu,utilization.memory,memory.used,memory.total,power.draw,temperature.gpu, noheader, nounits. */
  idleFullQuery: idle["query csv idle"]!,
  idleFullQueryFields: ["index", "name", "uuid", "utilization.gpu", "utilization.memory", "memory.used", "memory.total", "power.draw", "temperature.gpu"],
  /** --query-gpu=utilization.gpu,memory.used --format=csv (header, units). */
  idleWithHeader: idle["query csv with header"]!,
  idleComputeApps: idle["compute apps"] ?? "",
  /** One sample a second while a matmul ran (the first two before it started). */
  busy: trace(busyLines.filter((l) => timestamped.test(l))),
  busyComputeApps: busyLines.filter((l) => !timestamped.test(l)).join("\n") + "\n",
  /** One sample a second after the process exited. */
  after: trace(read("nvidia-smi-after.txt").split("\n").filter((l) => timestamped.test(l))),
  xml: read("nvidia-smi-q.xml"),
};
