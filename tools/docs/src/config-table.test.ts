import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { env } from "@reviewlens/runtime/config";
import { configRows, defaultText, renderConfigTable, undescribed, type ConfigComponent } from "./config-table.js";

const shared = { HOST: env.string("0.0.0.0").describe("address to bind") };
const port = (n: number) => env.port(n).describe("gRPC port");

describe("configuration table", () => {
  it("merges a variable read alike by several components into one row, with each one's default when they differ", () => {
    const components: ConfigComponent[] = [
      { name: "a", schema: { ...shared, PORT: port(1) } },
      { name: "b", schema: { ...shared, PORT: port(2) } },
    ];
    const table = renderConfigTable(configRows(components));
    assert.match(table, /^\| `HOST` \| a, b \| `0\.0\.0\.0` \| a non-empty string \| address to bind \|$/m);
    assert.match(table, /^\| `PORT` \| a, b \| `1` \(a\), `2` \(b\) \| an integer from 0 to 65535 \| gRPC port \|$/m);
  });

  it("keeps variables of the same name but another meaning apart, in the order the components declare them", () => {
    const rows = configRows([
      { name: "a", schema: { ADDR: env.string("x").describe("the gateway") } },
      { name: "b", schema: { ADDR: env.string("x").describe("the vector store"), OTHER: env.boolean(false).describe("o") } },
    ]);
    assert.deepEqual(
      rows.map((r) => [r.variable, r.description, [...r.defaults.keys()]]),
      [
        ["ADDR", "the gateway", ["a"]],
        ["ADDR", "the vector store", ["b"]],
        ["OTHER", "o", ["b"]],
      ],
    );
  });

  it("names a group of components by its label and shows a flag beside its variable", () => {
    const schema = { LEVEL: env.oneOf(["info", "warn"], "info").describe("log level") };
    const table = renderConfigTable(
      configRows([
        { name: "a", schema },
        { name: "b", schema },
        { name: "c", schema: { LEVEL: env.oneOf(["info", "warn"], "warn").describe("log level") }, flagOf: () => undefined },
        { name: "sim", schema: { SIM_PORT: port(8000) }, flagOf: (v) => (v === "SIM_PORT" ? "--port" : undefined) },
      ]),
      { "both services": ["a", "b"] },
    );
    assert.match(table, /^\| `LEVEL` \| both services, c \| `info` \(both services\), `warn` \(c\) \|/m);
    assert.match(table, /^\| `SIM_PORT` \(`--port`\) \| sim \|/m);
  });

  it("writes defaults as a person would: unset, required, lists and values", () => {
    assert.equal(defaultText(env.optional(env.url())), "unset");
    assert.equal(defaultText(env.oneOf(["a", "b"])), "required");
    assert.equal(defaultText(env.urlList(["http://a", "http://b"])), "`http://a,http://b`");
    assert.equal(defaultText(env.listOf(["x", "y"])), "none");
    assert.equal(defaultText(env.boolean(true)), "`true`");
  });

  it("escapes a pipe so a description cannot break the table", () => {
    const table = renderConfigTable(configRows([{ name: "a", schema: { X: env.string("1").describe("`a|b` or c") } }]));
    assert.match(table, /\| `a\\\|b` or c \|$/m);
    assert.equal(table.split("\n").length, 3);
  });

  it("lists every variable without a description, with its component", () => {
    assert.deepEqual(undescribed([{ name: "a", schema: { OK: env.string("x").describe("fine"), BARE: env.string("x"), BLANK: env.string("x").describe("  ") } }]), ["BARE (a)", "BLANK (a)"]);
  });
});
