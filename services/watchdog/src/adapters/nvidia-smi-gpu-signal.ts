// GPU utilisation and memory of every GPU of the node, from nvidia-smi. Anything odd is unknown, never idle.
import { execFile } from "node:child_process";
import { unknown, type GpuSample, type Signal } from "../signals.js";
import { parseNvidiaSmiXml, parseQueryGpuCsv, WATCHDOG_GPU_FIELDS } from "./nvidia-smi-output.js";

/** csv: the two fields the watchdog needs (cheapest); xml: `-q -x`, which also lists each GPU's processes. */
export type NvidiaSmiFormat = "csv" | "xml";

export const NVIDIA_SMI_ARGS: Record<NvidiaSmiFormat, readonly string[]> = {
  csv: [`--query-gpu=${WATCHDOG_GPU_FIELDS.join(",")}`, "--format=csv,noheader,nounits"],
  xml: ["-q", "-x"],
};

/**
 * `command` is the program and its leading arguments, e.g. ["nvidia-smi"] or
 * ["kubectl", "exec", "deploy/vllm", "--", "nvidia-smi"] when the watchdog runs off the GPU node.
 */
export function createNvidiaSmiGpuSignal(command: readonly string[], timeoutMs: number, format: NvidiaSmiFormat = "csv"): Signal<readonly GpuSample[]> {
  const [program, ...prefix] = command;
  if (!program) throw new Error("the nvidia-smi command is empty");
  return {
    source: command.join(" "),
    read(signal) {
      return new Promise((resolve) => {
        execFile(program, [...prefix, ...NVIDIA_SMI_ARGS[format]], { timeout: timeoutMs, signal, windowsHide: true, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
          if (error) {
            const detail = (stderr || error.message).trim().split("\n")[0];
            resolve(unknown(`${program} failed (${"code" in error && error.code !== undefined ? `exit ${String(error.code)}: ` : ""}${detail})`));
            return;
          }
          resolve(format === "xml" ? parseNvidiaSmiXml(stdout) : parseQueryGpuCsv(stdout));
        });
      });
    },
  };
}
