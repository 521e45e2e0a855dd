// The vLLM server endpoints outside the OpenAI API: /health, /metrics (load) and /tokenize.
import type { BackendLoadSample } from "../scheduling/admission-controller.js";
import type { Prompt } from "../llm-request.js";

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

export class VllmServerProbe {
  constructor(
    readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async health(signal: AbortSignal): Promise<void> {
    const response = await fetch(`${this.url}/health`, { signal: this.bounded(signal) });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`/health answered ${response.status}`);
  }

  async load(signal: AbortSignal): Promise<BackendLoadSample> {
    const response = await fetch(`${this.url}/metrics`, { signal: this.bounded(signal) });
    if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
    const sample = parseLoadGauges(await response.text());
    if (!sample) throw new Error("/metrics has no vllm:num_requests_running / vllm:num_requests_waiting");
    return sample;
  }

  /** vLLM's /tokenize: the exact prompt length (chat prompts rendered with the model's template). */
  async tokenize(prompt: Prompt, model: string, signal: AbortSignal): Promise<{ count: number; tokens: number[]; maxModelLen?: number }> {
    const body = prompt.kind === "text" ? { model, prompt: prompt.text } : { model, messages: prompt.messages, add_generation_prompt: true };
    const response = await fetch(`${this.url}/tokenize`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: this.bounded(signal),
    });
    if (!response.ok) throw new Error(`/tokenize answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    const json = (await response.json()) as { count?: number; tokens?: number[]; max_model_len?: number };
    const tokens = json.tokens ?? [];
    return { count: json.count ?? tokens.length, tokens, ...(json.max_model_len ? { maxModelLen: json.max_model_len } : {}) };
  }

  private bounded(signal: AbortSignal): AbortSignal {
    return AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]);
  }
}
