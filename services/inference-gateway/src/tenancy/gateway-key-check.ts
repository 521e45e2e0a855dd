// Which API keys let a call into the gateway: its shared key (GATEWAY_API_KEY on the facade,
// GATEWAY_GRPC_API_KEY on gRPC) or any tenant's key (GATEWAY_TENANT_API_KEYS), which then also names
// the tenant. Without a shared key that surface is open, and a tenant's key only names its tenant.
import { apiKeyChecker, type ApiKeyCheck } from "@reviewlens/runtime";
import { keyDigest } from "./tenant-directory.js";

/** The check for one surface; undefined (open) when it has no shared key. */
export function gatewayKeyCheck(sharedKey: string | undefined, tenantKeys: ReadonlyMap<string, string>): ApiKeyCheck | undefined {
  if (!sharedKey) return undefined;
  const shared = apiKeyChecker(sharedKey);
  return (presented) => {
    // Both looked at whatever the answer: digests, so no comparison leaks how much of a key matched.
    const isShared = shared(presented);
    const isTenants = presented !== undefined && tenantKeys.has(keyDigest(presented));
    return isShared || isTenants;
  };
}
