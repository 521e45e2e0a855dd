// Stops and starts a RunPod pod through RunPod's REST API (POST /pods/{podId}/stop and /start). The pod keeps its volume.
import { withTimeout, type Actuator } from "./actuator.js";

export interface RunPodActuatorOptions {
  podId: string;
  /** Only ever from the environment (WATCHDOG_RUNPOD_API_KEY); never logged, never part of an error. */
  apiKey: string;
  /** https://rest.runpod.io/v1 in production; a local server in tests. */
  baseUrl: string;
  timeoutMs?: number;
}

export function createRunPodActuator(options: RunPodActuatorOptions): Actuator {
  const pod = `${options.baseUrl.replace(/\/+$/, "")}/pods/${encodeURIComponent(options.podId)}`;
  const call = async (action: "stop" | "start", signal: AbortSignal) => {
    const response = await fetch(`${pod}/${action}`, {
      method: "POST",
      headers: { authorization: `Bearer ${options.apiKey}`, accept: "application/json" },
      signal: withTimeout(signal, options.timeoutMs ?? 30_000),
    });
    if (!response.ok) {
      const body = (await response.text().catch(() => "")).slice(0, 300);
      throw new Error(`RunPod answered ${response.status} ${response.statusText} to the ${action} of pod ${options.podId}${body ? `: ${body}` : ""}`);
    }
    await response.body?.cancel();
  };
  return {
    target: `runpod pod ${options.podId}`,
    stop: (signal) => call("stop", signal),
    start: (signal) => call("start", signal),
  };
}
