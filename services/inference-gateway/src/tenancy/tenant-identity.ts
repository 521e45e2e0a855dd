// Whose request it is: the tenant of its API key (`authorization: Bearer <key>`, gRPC metadata or
// HTTP header), else its `x-tenant` when the deployment trusts its callers, else `default`. Checking
// that a key is valid at all is the surface's key check's job (gateway-key-check.ts); this only names
// the tenant.
import { bearerKey, InvalidArgumentError } from "@reviewlens/runtime";
import { DEFAULT_TENANT } from "../scheduling/prefill-cost-queue.js";
import { isTenantName, keyDigest, TENANT_NAME_RULE } from "./tenant-directory.js";

export const TENANT_HEADER = "x-tenant";

export type TenantSource = "api-key" | "header" | "default";

export interface CallerCredentials {
  /** The `authorization` metadata or header, as sent. */
  readonly authorization?: string | undefined;
  /** The `x-tenant` metadata or header, as sent. */
  readonly tenantHeader?: string | undefined;
}

/** Names the tenant of a call from its credentials (resolveTenant with the deployment's keys and trust). */
export type IdentifyTenant = (credentials: CallerCredentials) => string;

export interface TenantIdentityOptions {
  /** SHA-256 of each API key -> its tenant. */
  readonly apiKeys: ReadonlyMap<string, string>;
  /** Honour `x-tenant` (GATEWAY_TRUST_TENANT_HEADER): the callers are trusted to name themselves. */
  readonly trustHeader: boolean;
}

export function resolveTenant(credentials: CallerCredentials, options: TenantIdentityOptions): { tenant: string; source: TenantSource } {
  const key = bearerKey(credentials.authorization);
  // A digest lookup: the time it takes does not depend on how much of a key matches.
  const keyed = key === undefined ? undefined : options.apiKeys.get(keyDigest(key));
  if (keyed) return { tenant: keyed, source: "api-key" };
  const header = credentials.tenantHeader?.trim();
  if (options.trustHeader && header) {
    if (!isTenantName(header)) throw new InvalidArgumentError(TENANT_HEADER, `is not a tenant name: ${TENANT_NAME_RULE}`);
    return { tenant: header, source: "header" };
  }
  return { tenant: DEFAULT_TENANT, source: "default" };
}
