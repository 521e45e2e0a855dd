// The analysis services' calls to the gateway name their tenant (`x-tenant`), so their LLM work is
// counted in that tenant's fair share and budget (the gateway honours the header when it trusts its
// callers; a tenant API key names the tenant as well).
import type { inference } from "@reviewlens/contracts";
import { Metadata } from "nice-grpc-common";
import type { LlmGateway } from "./llm-gateway.js";
import type { CompleteShared } from "./shared-prompt-rounds.js";

type CallOptions = { signal?: AbortSignal; metadata?: Metadata };
type Embed = (request: inference.EmbedRequest, options?: CallOptions) => Promise<inference.EmbedResponse>;

/** `client` whose complete (and embed) calls carry `x-tenant: tenant`; its other methods are its own. */
export function withGatewayTenant<C extends LlmGateway & { embed?: Embed; completeShared?: CompleteShared }>(client: C, tenant: string): C {
  const named = (options?: { signal?: AbortSignal | undefined; metadata?: Metadata }): CallOptions => {
    const metadata = Metadata(options?.metadata);
    metadata.set("x-tenant", tenant);
    return options?.signal ? { signal: options.signal, metadata } : { metadata };
  };
  const complete: LlmGateway["complete"] = (request, options) => client.complete(request, named(options));
  const clientEmbed = client.embed?.bind(client);
  const embed: Embed | undefined = clientEmbed && ((request, options) => clientEmbed(request, named(options)));
  const clientShared = client.completeShared?.bind(client);
  const completeShared: CompleteShared | undefined = clientShared && ((request, options) => clientShared(request, named(options)));
  return Object.assign(Object.create(client) as C, { complete, ...(embed ? { embed } : {}), ...(completeShared ? { completeShared } : {}) });
}
