// Readers of nvidia-smi's output as the real tool prints it: `--query-gpu` CSV (with or without the
// header and units), the `--query-compute-apps` listing and `-q -x` XML. Anything odd is unknown, never idle.
import { XMLParser } from "fast-xml-parser";
import { known, unknown, type GpuProcess, type GpuSample, type Reading } from "../signals.js";

/** The fields the watchdog asks `--query-gpu` for. */
export const WATCHDOG_GPU_FIELDS = ["utilization.gpu", "memory.used"] as const;

// "0 %", "143771 MiB", "78.17 W": a number, optionally followed by its unit.
function numberOf(value: string | undefined): number | undefined {
  const match = /^(-?\d+(?:\.\d+)?)(?:\s*(?:%|MiB|W|C|MHz))?$/.exec((value ?? "").trim());
  return match ? Number(match[1]) : undefined;
}

// A header cell is "utilization.gpu [%]" (with --format=csv) or "pid" (compute apps); keep the field name.
const headerName = (cell: string) => cell.replace(/\s*\[[^\]]*\]\s*$/, "").trim();

function csvRows(stdout: string): string[][] {
  return stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => l.split(",").map((f) => f.trim()));
}

/**
 * One row per GPU of `--query-gpu=<fields> --format=csv[,noheader][,nounits]`. With a header the
 * columns are named by it; without one, by `fields` (what was asked). utilization.gpu and
 * memory.used must be there; name and uuid are kept when asked for.
 */
export function parseQueryGpuCsv(stdout: string, fields: readonly string[] = WATCHDOG_GPU_FIELDS): Reading<readonly GpuSample[]> {
  const rows = csvRows(stdout);
  const hasHeader = rows[0]?.some((cell) => headerName(cell) === "utilization.gpu") ?? false;
  const names = hasHeader ? rows.shift()!.map(headerName) : [...fields];
  if (rows.length === 0) return unknown("nvidia-smi reported no GPU");
  const column = (name: string) => names.indexOf(name);
  const [util, mem] = [column("utilization.gpu"), column("memory.used")];
  if (util < 0 || mem < 0) return unknown(`the nvidia-smi query lacks utilization.gpu or memory.used (columns: ${names.join(", ")})`);
  const gpus: GpuSample[] = [];
  for (const [index, row] of rows.entries()) {
    const utilizationPercent = numberOf(row[util]);
    const memoryUsedMiB = numberOf(row[mem]);
    // "[N/A]", "[Not Supported]" or a driver error message instead of numbers.
    if (row.length !== names.length || utilizationPercent === undefined || memoryUsedMiB === undefined || utilizationPercent > 100 || utilizationPercent < 0) {
      return unknown(`nvidia-smi line ${index + 1} is not "${names.join(", ")}": ${JSON.stringify(row.join(", ").slice(0, 120))}`);
    }
    const cell = (name: string) => (column(name) >= 0 ? row[column(name)] : undefined);
    const [name, uuid, memoryTotalMiB] = [cell("name"), cell("uuid"), numberOf(cell("memory.total"))];
    gpus.push({ utilizationPercent, memoryUsedMiB, ...(memoryTotalMiB !== undefined ? { memoryTotalMiB } : {}), ...(name ? { name } : {}), ...(uuid ? { uuid } : {}) });
  }
  return known(gpus);
}

/** `--query-compute-apps=pid,process_name,used_memory --format=csv,noheader,nounits`; empty output is no process. */
export function parseComputeApps(stdout: string): Reading<readonly GpuProcess[]> {
  const processes: GpuProcess[] = [];
  for (const row of csvRows(stdout)) {
    const [pidText, processName, memoryText, ...rest] = row;
    const pid = numberOf(pidText);
    const usedMemoryMiB = numberOf(memoryText);
    if (rest.length > 0 || pid === undefined || !processName || usedMemoryMiB === undefined) {
      return unknown(`nvidia-smi compute-apps line is not "pid, process_name, used_memory": ${JSON.stringify(row.join(", ").slice(0, 120))}`);
    }
    processes.push({ pid, processName, usedMemoryMiB });
  }
  return known(processes);
}

const xml = new XMLParser({ isArray: (name) => name === "gpu" || name === "process_info", parseTagValue: false, trimValues: true });

interface XmlGpu {
  product_name?: string;
  uuid?: string;
  fb_memory_usage?: { used?: string; total?: string };
  utilization?: { gpu_util?: string };
  processes?: { process_info?: Array<{ pid?: string; process_name?: string; used_memory?: string }> } | string;
}

/** `nvidia-smi -q -x`: every <gpu> with its utilisation, memory and processes. */
export function parseNvidiaSmiXml(text: string): Reading<readonly GpuSample[]> {
  let doc: { nvidia_smi_log?: { gpu?: XmlGpu[] } };
  try {
    doc = xml.parse(text) as typeof doc;
  } catch (error) {
    return unknown(`nvidia-smi -q -x is not XML: ${(error as Error).message}`);
  }
  const gpus = doc.nvidia_smi_log?.gpu;
  if (!gpus || gpus.length === 0) return unknown("nvidia-smi -q -x reported no GPU");
  const samples: GpuSample[] = [];
  for (const [index, gpu] of gpus.entries()) {
    const utilizationPercent = numberOf(gpu.utilization?.gpu_util);
    const memoryUsedMiB = numberOf(gpu.fb_memory_usage?.used);
    if (utilizationPercent === undefined || memoryUsedMiB === undefined) {
      return unknown(`nvidia-smi -q -x GPU ${index} has no readable utilization/gpu_util or fb_memory_usage/used`);
    }
    const processes: GpuProcess[] = [];
    for (const p of typeof gpu.processes === "object" ? (gpu.processes.process_info ?? []) : []) {
      const pid = numberOf(p.pid);
      const usedMemoryMiB = numberOf(p.used_memory);
      if (pid === undefined || !p.process_name || usedMemoryMiB === undefined) return unknown(`nvidia-smi -q -x GPU ${index} lists an unreadable process`);
      processes.push({ pid, processName: p.process_name, usedMemoryMiB });
    }
    const memoryTotalMiB = numberOf(gpu.fb_memory_usage?.total);
    samples.push({
      utilizationPercent,
      memoryUsedMiB,
      ...(memoryTotalMiB !== undefined ? { memoryTotalMiB } : {}),
      ...(gpu.product_name ? { name: gpu.product_name } : {}),
      ...(gpu.uuid ? { uuid: gpu.uuid } : {}),
      processes,
    });
  }
  return known(samples);
}
