// GPU utilisation and memory of every GPU of the node, from nvidia-smi. Anything odd is unknown, never idle.
import { execFile } from "node:child_process";
import { known, unknown, type GpuSample, type Reading, type Signal } from "../signals.js";

export const NVIDIA_SMI_QUERY = ["--query-gpu=utilization.gpu,memory.used", "--format=csv,noheader,nounits"];

/**
 * `command` is the program and its leading arguments, e.g. ["nvidia-smi"] or
 * ["kubectl", "exec", "deploy/vllm", "--", "nvidia-smi"] when the watchdog runs off the GPU node.
 */
export function createNvidiaSmiGpuSignal(command: readonly string[], timeoutMs: number): Signal<readonly GpuSample[]> {
  const [program, ...prefix] = command;
  if (!program) throw new Error("the nvidia-smi command is empty");
  return {
    source: command.join(" "),
    read(signal) {
      return new Promise((resolve) => {
        execFile(program, [...prefix, ...NVIDIA_SMI_QUERY], { timeout: timeoutMs, signal, windowsHide: true }, (error, stdout, stderr) => {
          if (error) {
            const detail = (stderr || error.message).trim().split("\n")[0];
            resolve(unknown(`${program} failed (${"code" in error && error.code !== undefined ? `exit ${String(error.code)}: ` : ""}${detail})`));
            return;
          }
          resolve(parseNvidiaSmiCsv(stdout));
        });
      });
    },
  };
}

/** One line per GPU: "utilization, memory.used" (no units, no header). */
export function parseNvidiaSmiCsv(stdout: string): Reading<readonly GpuSample[]> {
  const lines = stdout.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length === 0) return unknown("nvidia-smi reported no GPU");
  const gpus: GpuSample[] = [];
  for (const [index, line] of lines.entries()) {
    const [util, mem, ...rest] = line.split(",").map((f) => f.trim());
    const utilizationPercent = Number(util);
    const memoryUsedMiB = Number(mem);
    // "[N/A]", "[Not Supported]" or a driver error message instead of numbers.
    if (rest.length > 0 || util === "" || mem === "" || !Number.isFinite(utilizationPercent) || !Number.isFinite(memoryUsedMiB) || utilizationPercent < 0 || utilizationPercent > 100) {
      return unknown(`nvidia-smi line ${index + 1} is not "utilization, memory.used": ${JSON.stringify(line.slice(0, 120))}`);
    }
    gpus.push({ utilizationPercent, memoryUsedMiB });
  }
  return known(gpus);
}
