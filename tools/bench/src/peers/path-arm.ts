// One arm through one path: the workload, the relaying process's CPU and memory, and (when asked)
// the queue and in-flight timeline, with a client timeout where the part sets one.
import type { BenchRequest } from "../load/request-output.js";
import { runArm, type ArmResult } from "../experiments/experiment-arm.js";
import { sampleTimeline, type TimelinePoint } from "./load-timeline.js";
import type { PeerPath } from "./peer-stack.js";
import { watchProcess, type ProcessUsage } from "./process-usage.js";
import { trackedTarget } from "./tracked-target.js";

export interface PathArm {
  path: PeerPath;
  arm: ArmResult;
  usage?: ProcessUsage | undefined;
  timeline?: TimelinePoint[] | undefined;
}

export interface PathArmOptions {
  label?: string;
  requests: readonly BenchRequest[];
  interArrival?: readonly number[];
  timeScale: number;
  timeoutS?: number;
  timeline?: boolean;
  headers?: Record<string, string>;
  log?: (s: string) => void;
}

export async function runPathArm(path: PeerPath, o: PathArmOptions): Promise<PathArm> {
  const target = trackedTarget(await path.target(o.headers), o.timeoutS === undefined ? {} : { timeoutS: o.timeoutS });
  const watcher = path.pid === undefined ? undefined : await watchProcess(path.pid);
  const sampler = o.timeline ? sampleTimeline({ simUrls: path.simUrls, gatewayMetricsUrl: path.gatewayMetricsUrl, inFlight: target.inFlight }) : undefined;
  // the samplers stop whatever happens, so no timer outlives the arm
  const stopSamplers = async () => ({ timeline: await sampler?.stop(), usage: await watcher?.stop() });
  let arm: ArmResult;
  try {
    arm = await runArm({ name: o.label ? `${path.name}, ${o.label}` : path.name, target, requests: o.requests, ...(o.interArrival ? { interArrival: o.interArrival } : {}), timeScale: o.timeScale, ...(o.log ? { log: o.log } : {}) });
  } catch (error) {
    await stopSamplers();
    throw error;
  }
  const { timeline, usage } = await stopSamplers();
  return { path, arm, usage, timeline };
}
