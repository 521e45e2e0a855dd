// Where the services are and how to reach them (flags, then environment, then local defaults).
import { readFileSync } from "node:fs";
import { inference, sentiment, summarization, vectorsearch } from "@reviewlens/contracts";
import { ChannelCredentials, createChannel, createClient as createNiceClient, Metadata, type Channel, type Client, type CompatServiceDefinition } from "nice-grpc";

export interface ConnectionOptions {
  gateway: string;
  vectorSearch: string;
  sentiment: string;
  summarization: string;
  tls: boolean;
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  timeoutMs: number;
  /** Sent as `x-tenant` on every call (the gateway honours it when it trusts its callers). */
  tenant?: string | undefined;
  /**
   * The gateway's gRPC API key, from the environment only (a flag would show in `ps`): its shared
   * key or a tenant's key, which also names the tenant.
   */
  gatewayApiKey?: string | undefined;
}

export const connectionDefaults = (env: NodeJS.ProcessEnv = process.env): ConnectionOptions => ({
  gateway: env["REVIEWLENS_GATEWAY_ADDR"] ?? "127.0.0.1:50051",
  vectorSearch: env["REVIEWLENS_VECTOR_SEARCH_ADDR"] ?? "127.0.0.1:50052",
  sentiment: env["REVIEWLENS_SENTIMENT_ADDR"] ?? "127.0.0.1:50053",
  summarization: env["REVIEWLENS_SUMMARIZATION_ADDR"] ?? "127.0.0.1:50054",
  tls: env["REVIEWLENS_TLS"] === "true",
  ca: env["REVIEWLENS_TLS_CA"],
  cert: env["REVIEWLENS_TLS_CERT"],
  key: env["REVIEWLENS_TLS_KEY"],
  timeoutMs: Number(env["REVIEWLENS_TIMEOUT_MS"] ?? 300_000),
  tenant: env["REVIEWLENS_TENANT"] || undefined,
  gatewayApiKey: env["REVIEWLENS_GATEWAY_API_KEY"] || undefined,
});

function credentials(options: ConnectionOptions): ChannelCredentials {
  if (!options.tls) return ChannelCredentials.createInsecure();
  const read = (path: string | undefined) => (path ? readFileSync(path) : null);
  return ChannelCredentials.createSsl(read(options.ca), read(options.key), read(options.cert));
}

/** Clients for every service, created on first use; close() ends their channels. */
export class ServiceClients {
  private readonly channels = new Map<string, Channel>();

  constructor(readonly options: ConnectionOptions) {}

  /** The caller's tenant on every call; `apiKey` only where it belongs (the gateway's key goes to the gateway alone). */
  private createClient<D extends CompatServiceDefinition>(definition: D, address: string, apiKey?: string): Client<D> {
    const metadata = Metadata();
    if (this.options.tenant) metadata.set("x-tenant", this.options.tenant);
    if (apiKey) metadata.set("authorization", `Bearer ${apiKey}`);
    return createNiceClient(definition, this.channel(address), { "*": { metadata } });
  }

  private channel(address: string): Channel {
    let channel = this.channels.get(address);
    if (!channel) {
      channel = createChannel(address, credentials(this.options));
      this.channels.set(address, channel);
    }
    return channel;
  }

  get gateway(): Client<typeof inference.InferenceGatewayServiceDefinition> {
    return this.createClient(inference.InferenceGatewayServiceDefinition, this.options.gateway, this.options.gatewayApiKey);
  }
  get vectorSearch(): Client<typeof vectorsearch.VectorSearchServiceDefinition> {
    return this.createClient(vectorsearch.VectorSearchServiceDefinition, this.options.vectorSearch);
  }
  get sentiment(): Client<typeof sentiment.SentimentServiceDefinition> {
    return this.createClient(sentiment.SentimentServiceDefinition, this.options.sentiment);
  }
  get summarization(): Client<typeof summarization.SummarizationServiceDefinition> {
    return this.createClient(summarization.SummarizationServiceDefinition, this.options.summarization);
  }

  /** Call options with the configured deadline. */
  callOptions(signal?: AbortSignal): { signal: AbortSignal } {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    return { signal: signal ? AbortSignal.any([signal, timeout]) : timeout };
  }

  close(): void {
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }
}
