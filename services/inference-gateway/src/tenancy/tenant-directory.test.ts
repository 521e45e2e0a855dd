import assert from "node:assert/strict";
import { test } from "node:test";
import { keyDigest, TenantConfigError, TenantDirectory } from "./tenant-directory.js";

const doc = JSON.stringify({
  default: { weight: 1, tokensPerMinute: 50_000 },
  tenants: { sentiment: { weight: 3 }, partner: { weight: 1, tokensPerMinute: 200_000, maxInFlight: 32 } },
});

test("tenants take their own settings; any other name takes the default entry's", () => {
  const d = TenantDirectory.fromConfig({ GATEWAY_TENANTS: doc });
  assert.deepEqual(d.settings("partner"), { weight: 1, tokensPerMinute: 200_000, maxInFlight: 32 });
  assert.deepEqual(d.settings("sentiment"), { weight: 3, tokensPerMinute: undefined, maxInFlight: undefined });
  assert.deepEqual(d.settings("someone-else"), { weight: 1, tokensPerMinute: 50_000, maxInFlight: undefined });
  assert.deepEqual(d.names().sort(), ["default", "partner", "sentiment"]);
  assert.equal(d.hasBudgets, true);
  assert.equal(d.metricsLabel("partner"), "partner");
  assert.equal(d.metricsLabel("someone-else"), "other");
});

test("without configuration there is one tenant, default, of weight 1 and no budget", () => {
  const d = TenantDirectory.fromConfig({});
  assert.deepEqual(d.names(), ["default"]);
  assert.equal(d.hasBudgets, false);
  assert.equal(d.weight("anyone"), 1);
});

test("the file variant reads the mounted file, and errors name the variable, the file and the field", () => {
  const files: Record<string, string> = { "/etc/tenants.json": JSON.stringify({ tenants: { gold: { weight: -2 } } }) };
  const read = (path: string) => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return text;
  };
  const problem = (sources: Parameters<typeof TenantDirectory.fromConfig>[0]) => {
    try {
      TenantDirectory.fromConfig(sources, read);
    } catch (error) {
      assert.ok(error instanceof TenantConfigError);
      return error.message;
    }
    return "no error";
  };
  assert.equal(problem({ GATEWAY_TENANTS_FILE: "/etc/tenants.json" }), "GATEWAY_TENANTS_FILE (/etc/tenants.json): tenants.gold.weight must be a number above 0 and at most 1,000,000");
  assert.match(problem({ GATEWAY_TENANTS_FILE: "/etc/missing.json" }), /^GATEWAY_TENANTS_FILE \(\/etc\/missing\.json\): cannot be read \(ENOENT/);
  assert.equal(problem({ GATEWAY_TENANTS: "{}", GATEWAY_TENANTS_FILE: "/etc/tenants.json" }), "GATEWAY_TENANTS and GATEWAY_TENANTS_FILE are both set: use one");
  assert.match(problem({ GATEWAY_TENANTS: "{tenants:" }), /^GATEWAY_TENANTS: is not valid JSON/);
  assert.equal(problem({ GATEWAY_TENANTS: '{"tenant": {}}' }), "GATEWAY_TENANTS: tenant is not a section (default, tenants)");
  assert.equal(problem({ GATEWAY_TENANTS: '{"tenants": {"a b": {}}}' }), "GATEWAY_TENANTS: tenants.a b is not a tenant name: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
  assert.equal(problem({ GATEWAY_TENANTS: '{"tenants": {"a": {"tokensPerMinute": 1.5}}}' }), "GATEWAY_TENANTS: tenants.a.tokensPerMinute must be a positive integer (leave it out for no limit)");
  assert.equal(problem({ GATEWAY_TENANTS: '{"default": {"rpm": 3}}' }), "GATEWAY_TENANTS: default.rpm is not a setting (weight, tokensPerMinute, maxInFlight)");
});

test("API keys from the Secret map to tenants by their SHA-256; malformed entries are named", () => {
  const d = TenantDirectory.fromConfig({ GATEWAY_TENANT_API_KEYS: "partner:k-partner-0123456789, sentiment:k-sentiment-0123456789" });
  assert.equal(d.apiKeys.get(keyDigest("k-partner-0123456789")), "partner");
  assert.equal(d.apiKeys.size, 2);
  assert.throws(() => TenantDirectory.fromConfig({ GATEWAY_TENANT_API_KEYS: "partner:short" }), /GATEWAY_TENANT_API_KEYS: entry 1 \(tenant partner\): the key must be at least 16 characters/);
  assert.throws(() => TenantDirectory.fromConfig({ GATEWAY_TENANT_API_KEYS: "k-0123456789abcdef" }), /GATEWAY_TENANT_API_KEYS: entry 1 must be tenant:key/);
  assert.throws(
    () => TenantDirectory.fromConfig({ GATEWAY_TENANT_API_KEYS: "a:k-0123456789abcdef,b:k-0123456789abcdef" }),
    /GATEWAY_TENANT_API_KEYS: entry 2 \(tenant b\): the same key is given twice/,
  );
});
