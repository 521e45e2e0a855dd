import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, env, InvalidConfigError, readConfig, withFormerNames } from "./config.js";

describe("readConfig", () => {
  const schema = {
    PORT: env.port(50051),
    URLS: env.urlList(["http://127.0.0.1:8000"]),
    MODE: env.oneOf(["fail", "proceed"], "fail"),
    TOKEN: env.string(),
    RATIO: env.optional(env.number(0, 1)),
  };

  it("applies defaults and parses values", () => {
    const config = readConfig(schema, { TOKEN: "x", URLS: "http://a:1/, http://b:2", RATIO: "0.5" });
    assert.equal(config.PORT, 50051);
    assert.deepEqual(config.URLS, ["http://a:1", "http://b:2"]);
    assert.equal(config.MODE, "fail");
    assert.equal(config.RATIO, 0.5);
  });

  it("names every variable at fault and the form it expects", () => {
    assert.throws(
      () => readConfig(schema, { PORT: "99999", MODE: "maybe", URLS: "not a url" }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidConfigError);
        const byName = new Map(error.problems.map((p: ConfigError) => [p.variable, p]));
        assert.deepEqual([...byName.keys()].sort(), ["MODE", "PORT", "TOKEN", "URLS"]);
        assert.match(byName.get("PORT")!.message, /PORT="99999" is invalid: expected an integer from 0 to 65535/);
        assert.match(byName.get("MODE")!.message, /expected one of fail, proceed/);
        assert.match(byName.get("TOKEN")!.message, /TOKEN is required/);
        return true;
      },
    );
  });

  it("rejects non-integers and out-of-range numbers", () => {
    assert.throws(() => readConfig({ N: env.integer(1, 5) }, { N: "2.5" }), /N="2.5"/);
    assert.throws(() => readConfig({ R: env.number(0, 1) }, { R: "1.5" }), /R="1.5"/);
    assert.equal(readConfig({ B: env.boolean(false) }, { B: "yes" }).B, true);
  });

  it("integerOr() reads its words or an integer in range, and names both when given neither", () => {
    const seqs = env.integerOr(["auto"], 0, 100, 0);
    assert.equal(readConfig({ S: seqs }, { S: "auto" }).S, "auto");
    assert.equal(readConfig({ S: seqs }, { S: "8" }).S, 8);
    assert.equal(readConfig({ S: seqs }, {}).S, 0);
    assert.throws(() => readConfig({ S: seqs }, { S: "101" }), /S="101" is invalid: expected auto or an integer from 0 to 100/);
    assert.throws(() => readConfig({ S: seqs }, { S: "Auto" }), /S="Auto" is invalid/);
  });
});

describe("field descriptions and lists", () => {
  it("describe() returns a described copy that parses as before and leaves the original alone", () => {
    const plain = env.integer(1, 10, 5);
    const described = plain.describe("how many");
    assert.equal(described.description, "how many");
    assert.equal(plain.description, undefined);
    assert.equal(readConfig({ N: described }, { N: "7" }).N, 7);
    assert.equal(readConfig({ N: described }, {}).N, 5);
    assert.throws(() => readConfig({ N: described }, { N: "11" }), /N="11" is invalid: expected an integer from 1 to 10/);
  });

  it("optional() keeps the inner field's description, and describe() after it sets its own", () => {
    assert.equal(env.optional(env.url().describe("where")).description, "where");
    assert.equal(env.optional(env.url()).describe("outer").description, "outer");
  });

  it("listOf() reads a comma-separated subset and names the allowed values when a value is not one", () => {
    const schema = { E: env.listOf(["metrics", "tokenize", "health"] as const) };
    assert.deepEqual(readConfig(schema, {}).E, []);
    assert.deepEqual(readConfig(schema, { E: "metrics, health" }).E, ["metrics", "health"]);
    assert.throws(() => readConfig(schema, { E: "metrics,gpu" }), /E="metrics,gpu" is invalid: expected a comma-separated list drawn from metrics, tokenize, health/);
  });
});

describe("withFormerNames", () => {
  const schema = { APP_WAIT_S: env.number(0, 100, 5) };
  const formerNames = { APP_WAIT_S: "WAIT" };

  it("reads the old name when the new one is unset, with one warning that names the new name", () => {
    const { source, warnings } = withFormerNames({ WAIT: "7" }, formerNames);
    assert.equal(readConfig(schema, source).APP_WAIT_S, 7);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /WAIT .*set APP_WAIT_S instead/);
  });

  it("takes the new name alone without a warning", () => {
    const { source, warnings } = withFormerNames({ APP_WAIT_S: "9" }, formerNames);
    assert.equal(readConfig(schema, source).APP_WAIT_S, 9);
    assert.deepEqual(warnings, []);
  });

  it("lets the new name win when both are set, and warns that the old one is ignored", () => {
    const { source, warnings } = withFormerNames({ APP_WAIT_S: "9", WAIT: "7" }, formerNames);
    assert.equal(readConfig(schema, source).APP_WAIT_S, 9);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /WAIT .*APP_WAIT_S.*wins/);
  });

  it("treats an empty old value as unset and never puts a value in a warning", () => {
    assert.deepEqual(withFormerNames({ WAIT: "" }, formerNames).warnings, []);
    assert.doesNotMatch(withFormerNames({ WAIT: "s3cr3t" }, formerNames).warnings.join("\n"), /s3cr3t/);
    assert.equal(readConfig(schema, withFormerNames({ WAIT: "" }, formerNames).source).APP_WAIT_S, 5);
  });

  it("leaves the caller's source alone", () => {
    const original = { WAIT: "7" };
    withFormerNames(original, formerNames);
    assert.deepEqual(original, { WAIT: "7" });
  });
});
