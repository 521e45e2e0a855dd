import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readConfig } from "@reviewlens/runtime";
import { gatewaySchema } from "./config.js";

const base = { GATEWAY_BACKEND_URLS: "http://127.0.0.1:8000" };

describe("gateway configuration: fair headroom", () => {
  it("is on by default, sized from the other tenants' arrivals (auto), and off only when set to 0", () => {
    assert.equal(readConfig(gatewaySchema, base).GATEWAY_FAIR_HEADROOM_SEQS, "auto");
    assert.equal(readConfig(gatewaySchema, { ...base, GATEWAY_FAIR_HEADROOM_SEQS: "0" }).GATEWAY_FAIR_HEADROOM_SEQS, 0);
    assert.equal(readConfig(gatewaySchema, { ...base, GATEWAY_FAIR_HEADROOM_SEQS: "6" }).GATEWAY_FAIR_HEADROOM_SEQS, 6);
  });

  it("refuses a value that is neither auto nor a slot count, naming the variable", () => {
    assert.throws(() => readConfig(gatewaySchema, { ...base, GATEWAY_FAIR_HEADROOM_SEQS: "lots" }), /GATEWAY_FAIR_HEADROOM_SEQS/);
  });
});
