// The Portkey configuration the benchmarks send (header `x-portkey-config`): every simulator replica
// as an OpenAI-compatible target at its own custom host, spread by Portkey's load balancing.

export interface PortkeyTarget {
  provider: "openai";
  custom_host: string;
  api_key: string;
  weight: number;
}

export interface PortkeyConfig {
  strategy: { mode: "loadbalance" };
  targets: PortkeyTarget[];
}

/** Equal weights: Portkey picks a target at random in proportion to them, per request. */
export function portkeyConfig(backendUrls: readonly string[]): PortkeyConfig {
  if (backendUrls.length === 0) throw new Error("portkeyConfig: at least one backend URL is needed");
  return {
    strategy: { mode: "loadbalance" },
    targets: backendUrls.map((url) => ({ provider: "openai", custom_host: `${url.replace(/\/+$/, "")}/v1`, api_key: "EMPTY", weight: 1 })),
  };
}

export function portkeyHeaders(config: PortkeyConfig): Record<string, string> {
  return { "x-portkey-config": JSON.stringify(config) };
}
