import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  applyContributions,
  DEFAULT_WEIGHT_POLICY,
  emptyState,
  lengthWeight,
  recencyWeight,
  recomputeMean,
  reviewWeight,
  type Contribution,
  type RepresentativeState,
} from "./representative-vector.js";

const DIMENSION = 6;
const DAY = 86_400_000;

describe("review weights", () => {
  it("halve per recency half-life, whatever the absolute date", () => {
    const t = Date.UTC(2025, 5, 1);
    const h = DEFAULT_WEIGHT_POLICY.recencyHalfLifeDays;
    assert.ok(Math.abs(recencyWeight(t - h * DAY, DEFAULT_WEIGHT_POLICY) / recencyWeight(t, DEFAULT_WEIGHT_POLICY) - 0.5) < 1e-12);
    assert.ok(Math.abs(recencyWeight(t - 3 * h * DAY, DEFAULT_WEIGHT_POLICY) / recencyWeight(t, DEFAULT_WEIGHT_POLICY) - 0.125) < 1e-12);
  });

  it("grow with review length up to the full-length cap, with a floor", () => {
    assert.equal(lengthWeight("맛", DEFAULT_WEIGHT_POLICY), 0.2);
    assert.ok(lengthWeight("a".repeat(50), DEFAULT_WEIGHT_POLICY) < lengthWeight("a".repeat(150), DEFAULT_WEIGHT_POLICY));
    assert.equal(lengthWeight("a".repeat(200), DEFAULT_WEIGHT_POLICY), 1);
    assert.equal(lengthWeight("a".repeat(5000), DEFAULT_WEIGHT_POLICY), 1);
    assert.equal(lengthWeight("가".repeat(50), DEFAULT_WEIGHT_POLICY), 0.5); // counts characters, not UTF-16 units or bytes
  });

  it("combine recency and length", () => {
    const t = Date.UTC(2024, 0, 1);
    const w = reviewWeight({ text: "a".repeat(50), createdAtMs: t }, DEFAULT_WEIGHT_POLICY);
    assert.ok(Math.abs(w - 0.5 * recencyWeight(t, DEFAULT_WEIGHT_POLICY)) < 1e-9 * w);
  });
});

describe("incremental representative vector", () => {
  const vectorArb = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: DIMENSION, maxLength: DIMENSION }).filter((v) => v.some((x) => Math.abs(x) > 1e-3));
  const reviewArb = fc.record({
    vector: vectorArb,
    text: fc.string({ minLength: 1, maxLength: 400 }),
    createdAtMs: fc.integer({ min: Date.UTC(2018, 0, 1), max: Date.UTC(2027, 0, 1) }),
  });
  const opArb = fc.oneof(
    fc.record({ kind: fc.constant("upsert" as const), id: fc.integer({ min: 0, max: 15 }), review: reviewArb }),
    fc.record({ kind: fc.constant("delete" as const), id: fc.integer({ min: 0, max: 15 }) }),
  );

  it("equals a from-scratch recompute after any sequence of upserts and deletes", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => {
        let state: RepresentativeState = emptyState("r1", DIMENSION);
        const live = new Map<number, Contribution>();
        for (const op of ops) {
          const previous = live.get(op.id);
          if (op.kind === "delete") {
            if (!previous) continue;
            live.delete(op.id);
            state = applyContributions(state, [], [previous]);
          } else {
            const next: Contribution = { vector: op.review.vector, createdAtMs: op.review.createdAtMs, weight: reviewWeight(op.review, DEFAULT_WEIGHT_POLICY) };
            live.set(op.id, next);
            state = applyContributions(state, [next], previous ? [previous] : []);
          }
        }
        const expected = recomputeMean([...live.values()], DIMENSION);
        assert.equal(state.reviewCount, live.size);
        assert.ok(Math.abs(state.totalWeight - expected.totalWeight) <= 1e-9 * Math.max(1, expected.totalWeight));
        if (live.size === 0) {
          assert.ok(state.weightedSum.every((x) => x === 0));
          return;
        }
        state.vector.forEach((x, i) => assert.ok(Math.abs(x - expected.vector[i]!) < 1e-6, `component ${i}: ${x} vs ${expected.vector[i]}`));
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });

  it("bumps the version on every change and reports drift against the previous vector", () => {
    const a: Contribution = { vector: [1, 0, 0, 0, 0, 0], weight: 1, createdAtMs: 1 };
    const b: Contribution = { vector: [0, 1, 0, 0, 0, 0], weight: 1, createdAtMs: 2 };
    const first = applyContributions(emptyState("r", DIMENSION), [a], []);
    assert.equal(first.version, 1);
    assert.equal(first.drift, 0);
    const second = applyContributions(first, [b], []);
    assert.equal(second.version, 2);
    assert.ok(Math.abs(second.drift - (1 - Math.SQRT1_2)) < 1e-12);
    assert.equal(second.lastReviewAtMs, 2);
    const back = applyContributions(second, [], [b]);
    assert.ok(Math.abs(back.drift - (1 - Math.SQRT1_2)) < 1e-12);
    assert.deepEqual(back.vector, [1, 0, 0, 0, 0, 0]);
  });
});
