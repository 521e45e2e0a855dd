// The vLLM server endpoints outside the OpenAI API: /health, /metrics (load) and /tokenize. Other
// OpenAI-compatible servers (SGLang, llama.cpp's server, TGI, Ollama) lack some of them: each one
// found missing is remembered as a signal the gateway does without.
import type { BackendLoadSample } from "../scheduling/admission-controller.js";
import type { Prompt } from "../llm-request.js";

export type BackendSignal = "load-metrics" | "tokenize" | "health";

/** Statuses that say the server has no such endpoint (rather than that it failed). */
const NO_SUCH_ENDPOINT = new Set([404, 405, 501]);

const LOAD_GAUGES = {
  "vllm:num_requests_running": "running",
  "vllm:num_requests_waiting": "waiting",
  "vllm:kv_cache_usage_perc": "kvCacheUsage",
} as const;

/**
 * Sums the three load gauges over their label sets (one per engine). These are plain gauge
 * samples, so a line match is all the parsing they need.
 */
export function parseLoadGauges(text: string): BackendLoadSample | undefined {
  const sample: BackendLoadSample = { running: 0, waiting: 0, kvCacheUsage: 0 };
  const seen = new Set<string>();
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    const key = match && LOAD_GAUGES[match[1] as keyof typeof LOAD_GAUGES];
    if (!key) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    sample[key] = key === "kvCacheUsage" ? Math.max(sample[key], value) : sample[key] + value;
    seen.add(key);
  }
  return seen.has("running") && seen.has("waiting") ? sample : undefined;
}

/** The sum of vllm:admission_rejections_total over its reasons, if the server exports it. */
export function parseAdmissionRejections(text: string): number | undefined {
  let sum: number | undefined;
  for (const line of text.split("\n")) {
    const match = /^vllm:admission_rejections_total(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match && Number.isFinite(Number(match[2]))) sum = (sum ?? 0) + Number(match[2]);
  }
  return sum;
}

export class VllmServerProbe {
  /** Signals found missing; a server that gains one again (an upgrade) is seen at the next probe. */
  readonly missing = new Set<BackendSignal>();
  /** Last scraped vllm:admission_rejections_total (every client's), when exported. */
  scrapedAdmissionRejections: number | undefined;

  constructor(
    readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  /** /health, or for a server without one (Ollama) the model list as liveness. */
  async health(signal: AbortSignal): Promise<void> {
    const response = await fetch(`${this.url}/health`, { signal: this.bounded(signal) });
    await response.body?.cancel();
    if (response.ok) {
      this.missing.delete("health");
      return;
    }
    if (!NO_SUCH_ENDPOINT.has(response.status)) throw new Error(`/health answered ${response.status}`);
    this.missing.add("health");
    const models = await fetch(`${this.url}/v1/models`, { signal: this.bounded(signal) });
    await models.body?.cancel();
    if (!models.ok) throw new Error(`no /health, and /v1/models answered ${models.status}`);
  }

  /** The load gauges, or undefined for a server that does not export vLLM's (recorded as missing). */
  async load(signal: AbortSignal): Promise<BackendLoadSample | undefined> {
    const response = await fetch(`${this.url}/metrics`, { signal: this.bounded(signal) });
    if (NO_SUCH_ENDPOINT.has(response.status)) {
      await response.body?.cancel();
      this.missing.add("load-metrics");
      return undefined;
    }
    if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
    const text = await response.text();
    const sample = parseLoadGauges(text);
    this.scrapedAdmissionRejections = parseAdmissionRejections(text);
    if (sample) this.missing.delete("load-metrics");
    else this.missing.add("load-metrics");
    return sample;
  }

  /**
   * vLLM's /tokenize: the exact prompt length (chat prompts rendered with the model's template).
   * Undefined when the server has no /tokenize (recorded as missing): the caller estimates.
   */
  async tokenize(prompt: Prompt, model: string, signal: AbortSignal): Promise<{ count: number; tokens: number[]; maxModelLen?: number } | undefined> {
    const body = prompt.kind === "text" ? { model, prompt: prompt.text } : { model, messages: prompt.messages, add_generation_prompt: true };
    const response = await fetch(`${this.url}/tokenize`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: this.bounded(signal),
    });
    if (NO_SUCH_ENDPOINT.has(response.status)) {
      await response.body?.cancel();
      this.missing.add("tokenize");
      return undefined;
    }
    if (!response.ok) throw new Error(`/tokenize answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    this.missing.delete("tokenize");
    const json = (await response.json()) as { count?: number; tokens?: number[]; max_model_len?: number };
    const tokens = json.tokens ?? [];
    return { count: json.count ?? tokens.length, tokens, ...(json.max_model_len ? { maxModelLen: json.max_model_len } : {}) };
  }

  private bounded(signal: AbortSignal): AbortSignal {
    return AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]);
  }
}
