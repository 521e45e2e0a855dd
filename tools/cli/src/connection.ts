// Where the services are and how to reach them (flags, then environment, then local defaults).
import { readFileSync } from "node:fs";
import { inference, sentiment, summarization, vectorsearch } from "@reviewlens/contracts";
import { env, readConfig } from "@reviewlens/runtime/config";
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

/** The CLI's environment: each variable is the default of the flag named in its description. */
export const cliConnectionSchema = {
  REVIEWLENS_GATEWAY_ADDR: env.string("127.0.0.1:50051").describe("inference-gateway address"),
  REVIEWLENS_VECTOR_SEARCH_ADDR: env.string("127.0.0.1:50052").describe("vector-search address"),
  REVIEWLENS_SENTIMENT_ADDR: env.string("127.0.0.1:50053").describe("sentiment address"),
  REVIEWLENS_SUMMARIZATION_ADDR: env.string("127.0.0.1:50054").describe("summarization address"),
  REVIEWLENS_TLS: env.boolean(false).describe("call the services over TLS"),
  REVIEWLENS_TLS_CA: env.optional(env.string()).describe("CA certificate for TLS"),
  REVIEWLENS_TLS_CERT: env.optional(env.string()).describe("client certificate for mTLS"),
  REVIEWLENS_TLS_KEY: env.optional(env.string()).describe("client key for mTLS"),
  REVIEWLENS_TIMEOUT_MS: env.integer(1, 86_400_000, 300_000).describe("deadline of each call"),
  REVIEWLENS_TENANT: env.optional(env.string()).describe("sent as `x-tenant` on every call (the gateway honours it when it trusts its callers)"),
  REVIEWLENS_GATEWAY_API_KEY: env
    .optional(env.string())
    .describe("the gateway's gRPC API key: its shared `GATEWAY_GRPC_API_KEY` or a tenant's key (which also names the tenant); environment only, a flag would show in `ps`"),
};

/** The flag that overrides each variable (the API key has none). */
export const CLI_CONNECTION_FLAGS: Record<Exclude<keyof typeof cliConnectionSchema, "REVIEWLENS_GATEWAY_API_KEY">, string> = {
  REVIEWLENS_GATEWAY_ADDR: "--gateway",
  REVIEWLENS_VECTOR_SEARCH_ADDR: "--vector-search",
  REVIEWLENS_SENTIMENT_ADDR: "--sentiment",
  REVIEWLENS_SUMMARIZATION_ADDR: "--summarization",
  REVIEWLENS_TLS: "--tls",
  REVIEWLENS_TLS_CA: "--ca",
  REVIEWLENS_TLS_CERT: "--cert",
  REVIEWLENS_TLS_KEY: "--key",
  REVIEWLENS_TIMEOUT_MS: "--timeout",
  REVIEWLENS_TENANT: "--tenant",
};

/** Throws InvalidConfigError naming each variable at fault. */
export function connectionDefaults(source: Record<string, string | undefined> = process.env): ConnectionOptions {
  const c = readConfig(cliConnectionSchema, source);
  return {
    gateway: c.REVIEWLENS_GATEWAY_ADDR,
    vectorSearch: c.REVIEWLENS_VECTOR_SEARCH_ADDR,
    sentiment: c.REVIEWLENS_SENTIMENT_ADDR,
    summarization: c.REVIEWLENS_SUMMARIZATION_ADDR,
    tls: c.REVIEWLENS_TLS,
    ca: c.REVIEWLENS_TLS_CA,
    cert: c.REVIEWLENS_TLS_CERT,
    key: c.REVIEWLENS_TLS_KEY,
    timeoutMs: c.REVIEWLENS_TIMEOUT_MS,
    tenant: c.REVIEWLENS_TENANT,
    gatewayApiKey: c.REVIEWLENS_GATEWAY_API_KEY,
  };
}

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
