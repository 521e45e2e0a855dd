import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { heldForWake, known, sumLoads, unknown } from "./signals.js";

const load = (inFlight: number, queued: number, requestsTotal: number, held?: number) => known({ inFlight, queued, requestsTotal, ...(held === undefined ? {} : { heldForWake: held }) });

describe("several gateway replicas", () => {
  it("sum into one load", () => {
    assert.deepEqual(sumLoads([{ source: "a", reading: load(1, 2, 10, 2) }, { source: "b", reading: load(0, 3, 5) }]), load(1, 5, 15, 2));
  });
  it("are unknown as a whole when any one cannot be read: never idle on a guess", () => {
    const sum = sumLoads([{ source: "a", reading: load(0, 0, 0) }, { source: "b", reading: unknown("refused") }]);
    assert.deepEqual(sum, unknown("b: refused"));
  });
  it("still ask for a wake when one replica is down and another holds requests", () => {
    assert.equal(heldForWake([{ source: "a", reading: unknown("refused") }, { source: "b", reading: load(0, 4, 9, 4) }]), 4);
    assert.equal(heldForWake([{ source: "a", reading: unknown("refused") }]), undefined, "nobody readable: unknown, not zero");
    assert.equal(heldForWake([{ source: "a", reading: load(0, 0, 0) }]), 0);
  });
});
