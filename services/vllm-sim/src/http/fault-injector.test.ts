import assert from "node:assert/strict";
import { test } from "node:test";
import { createRandom } from "../output/random-source.js";
import { FaultInjector, type FaultSettings } from "./fault-injector.js";

const base: FaultSettings = { errorRate: 0, errorTypes: ["500"], latencyMs: 0, stallRate: 0, stallAfterTokens: 4, stallMs: 100, schemaViolationRate: 0 };

test("the error rate and types drive random errors", () => {
  const faults = new FaultInjector({ ...base, errorRate: 0.5, errorTypes: ["429", "503"] }, createRandom(1));
  const errors = Array.from({ length: 2000 }, () => faults.decide(undefined).error);
  const failed = errors.filter((e) => e !== undefined).length;
  assert.ok(failed > 850 && failed < 1150, `failed ${failed}`);
  assert.deepEqual(new Set(errors.filter((e) => e !== undefined)), new Set(["429", "503"]));
});

test("a forced fault wins; stall and slow are forced too", () => {
  const faults = new FaultInjector(base, createRandom(1));
  assert.equal(faults.decide("400").error, "400");
  assert.deepEqual(faults.decide("stall").stall, { afterTokens: 4, ms: 100 });
  assert.ok(faults.decide("slow").delayMs >= 1000);
  assert.throws(() => faults.decide("nope"), /x-sim-fault/);
});

test("an invalid update names the field and changes nothing", () => {
  const faults = new FaultInjector(base, createRandom(1));
  assert.throws(() => faults.update({ errorTypes: ["418"] }), /errorTypes/);
  assert.throws(() => faults.update({ stallAfterTokens: 1.5 }), /stallAfterTokens/);
  assert.deepEqual(faults.settings, base);
  assert.equal(faults.update({ latencyMs: 30 }).latencyMs, 30);
});
