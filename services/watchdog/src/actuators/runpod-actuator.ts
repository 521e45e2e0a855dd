// Stops a RunPod pod through RunPod's REST API (POST /pods/{podId}/stop). The pod keeps its volume.
import { withTimeout, type Actuator } from "./actuator.js";

export interface RunPodActuatorOptions {
  podId: string;
  /** Only ever from the environment (RUNPOD_API_KEY); never logged, never part of an error. */
  apiKey: string;
  /** https://rest.runpod.io/v1 in production; a local server in tests. */
  baseUrl: string;
  timeoutMs?: number;
}

export function createRunPodActuator(options: RunPodActuatorOptions): Actuator {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/pods/${encodeURIComponent(options.podId)}/stop`;
  return {
    target: `runpod pod ${options.podId}`,
    async stop(signal) {
      const response = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${options.apiKey}`, accept: "application/json" },
        signal: withTimeout(signal, options.timeoutMs ?? 30_000),
      });
      if (!response.ok) {
        const body = (await response.text().catch(() => "")).slice(0, 300);
        throw new Error(`RunPod answered ${response.status} ${response.statusText} to the stop of pod ${options.podId}${body ? `: ${body}` : ""}`);
      }
      await response.body?.cancel();
    },
  };
}
