// The tenants the gateway knows: weights and budgets from configuration (GATEWAY_TENANTS or a mounted
// GATEWAY_TENANTS_FILE, JSON) and API keys from a Secret (GATEWAY_TENANT_API_KEYS), validated at
// start-up with errors that name the variable and the field. A tenant not listed takes the `default`
// entry's weight and budgets as its own.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { DEFAULT_TENANT } from "../scheduling/prefill-cost-queue.js";

export interface TenantSettings {
  /** Share of a class's tokens when backlogged, relative to the others' weights. */
  readonly weight: number;
  /** Prompt plus output tokens per minute, across all gateway replicas; undefined: unlimited. */
  readonly tokensPerMinute?: number | undefined;
  /** Requests admitted and not yet finished, across all replicas; undefined: unlimited. */
  readonly maxInFlight?: number | undefined;
}

/** A tenant configuration that cannot be used; the message names the variable and the field. */
export class TenantConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TenantConfigError";
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const TENANT_NAME_RULE = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

export function isTenantName(name: string): boolean {
  return NAME.test(name);
}

/** Metrics label of a tenant not in the configuration (its name could be anything a trusted caller sends). */
export const OTHER_TENANTS_LABEL = "other";

const SETTING_FIELDS = new Set(["weight", "tokensPerMinute", "maxInFlight"]);

function settingsOf(value: unknown, path: string, fail: (field: string, problem: string) => never): TenantSettings {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(path, "must be an object with weight, tokensPerMinute and maxInFlight (all optional)");
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!SETTING_FIELDS.has(key)) fail(`${path}.${key}`, "is not a setting (weight, tokensPerMinute, maxInFlight)");
  const weight = o["weight"] ?? 1;
  if (typeof weight !== "number" || !Number.isFinite(weight) || weight <= 0 || weight > 1_000_000) fail(`${path}.weight`, "must be a number above 0 and at most 1,000,000");
  const positiveInteger = (key: string): number | undefined => {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) fail(`${path}.${key}`, "must be a positive integer (leave it out for no limit)");
    return v;
  };
  return { weight, tokensPerMinute: positiveInteger("tokensPerMinute"), maxInFlight: positiveInteger("maxInFlight") };
}

/**
 * Parses the tenants document: `{"default": {...}, "tenants": {"<name>": {"weight": 2,
 * "tokensPerMinute": 200000, "maxInFlight": 32}}}`. `source` names where it came from in errors.
 */
export function parseTenantsDocument(text: string, source: string): { defaults: TenantSettings; tenants: Map<string, TenantSettings> } {
  const fail = (field: string, problem: string): never => {
    throw new TenantConfigError(`${source}: ${field} ${problem}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new TenantConfigError(`${source}: is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) fail("the document", 'must be a JSON object {"default": {...}, "tenants": {"<name>": {...}}}');
  const o = doc as Record<string, unknown>;
  for (const key of Object.keys(o)) if (key !== "default" && key !== "tenants") fail(key, "is not a section (default, tenants)");
  const defaults = o["default"] === undefined ? { weight: 1 } : settingsOf(o["default"], "default", fail);
  const tenants = new Map<string, TenantSettings>();
  const listed = o["tenants"] ?? {};
  if (typeof listed !== "object" || listed === null || Array.isArray(listed)) fail("tenants", "must be an object of tenant name -> settings");
  for (const [name, value] of Object.entries(listed as Record<string, unknown>)) {
    if (!isTenantName(name)) fail(`tenants.${name}`, `is not a tenant name: ${TENANT_NAME_RULE}`);
    tenants.set(name, settingsOf(value, `tenants.${name}`, fail));
  }
  if (!tenants.has(DEFAULT_TENANT)) tenants.set(DEFAULT_TENANT, defaults);
  return { defaults, tenants };
}

/** `tenant:key,tenant:key` (a Secret's value) as SHA-256(key) -> tenant, so keys are never kept or compared as text. */
export function parseApiKeys(raw: string, variable: string): Map<string, string> {
  const keys = new Map<string, string>();
  raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0).forEach((pair, i) => {
    const colon = pair.indexOf(":");
    const tenant = colon < 0 ? "" : pair.slice(0, colon).trim();
    const key = colon < 0 ? "" : pair.slice(colon + 1).trim();
    if (!isTenantName(tenant)) throw new TenantConfigError(`${variable}: entry ${i + 1} must be tenant:key with a tenant name of ${TENANT_NAME_RULE}`);
    if (key.length < 16) throw new TenantConfigError(`${variable}: entry ${i + 1} (tenant ${tenant}): the key must be at least 16 characters`);
    const digest = keyDigest(key);
    if (keys.has(digest)) throw new TenantConfigError(`${variable}: entry ${i + 1} (tenant ${tenant}): the same key is given twice`);
    keys.set(digest, tenant);
  });
  return keys;
}

export function keyDigest(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export interface TenantSources {
  GATEWAY_TENANTS?: string | undefined;
  GATEWAY_TENANTS_FILE?: string | undefined;
  GATEWAY_TENANT_API_KEYS?: string | undefined;
}

export class TenantDirectory {
  constructor(
    readonly defaults: TenantSettings,
    private readonly listed: ReadonlyMap<string, TenantSettings>,
    /** SHA-256 of each API key -> its tenant. */
    readonly apiKeys: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** Reads the configuration; throws TenantConfigError naming the variable, file and field at fault. */
  static fromConfig(sources: TenantSources, readFile: (path: string) => string = (p) => readFileSync(p, "utf8")): TenantDirectory {
    if (sources.GATEWAY_TENANTS && sources.GATEWAY_TENANTS_FILE) throw new TenantConfigError("GATEWAY_TENANTS and GATEWAY_TENANTS_FILE are both set: use one");
    let text: string | undefined = sources.GATEWAY_TENANTS;
    let source = "GATEWAY_TENANTS";
    if (sources.GATEWAY_TENANTS_FILE) {
      source = `GATEWAY_TENANTS_FILE (${sources.GATEWAY_TENANTS_FILE})`;
      try {
        text = readFile(sources.GATEWAY_TENANTS_FILE);
      } catch (error) {
        throw new TenantConfigError(`${source}: cannot be read (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    const { defaults, tenants } = text ? parseTenantsDocument(text, source) : { defaults: { weight: 1 }, tenants: new Map([[DEFAULT_TENANT, { weight: 1 }]]) };
    const keys = sources.GATEWAY_TENANT_API_KEYS ? parseApiKeys(sources.GATEWAY_TENANT_API_KEYS, "GATEWAY_TENANT_API_KEYS") : new Map<string, string>();
    return new TenantDirectory(defaults, tenants, keys);
  }

  settings(tenant: string): TenantSettings {
    return this.listed.get(tenant) ?? this.defaults;
  }

  weight(tenant: string): number {
    return this.settings(tenant).weight;
  }

  isListed(tenant: string): boolean {
    return this.listed.has(tenant);
  }

  /** The configured tenants (always with `default`). */
  names(): string[] {
    return [...this.listed.keys()];
  }

  /** Whether any tenant has a budget (only then is a budget store needed). */
  get hasBudgets(): boolean {
    const limited = (s: TenantSettings) => s.tokensPerMinute !== undefined || s.maxInFlight !== undefined;
    return limited(this.defaults) || [...this.listed.values()].some(limited);
  }

  /** A low-cardinality label: configured names as they are, any other as `other`. */
  metricsLabel(tenant: string): string {
    return this.listed.has(tenant) ? tenant : OTHER_TENANTS_LABEL;
  }
}
