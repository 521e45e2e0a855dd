// Seeded draws the load generator needs: uniform integers, exponential and gamma variates.
import { SeededRandom } from "@reviewlens/seeded-random";

export class RandomSource {
  private readonly rng: SeededRandom;

  constructor(seed: number) {
    this.rng = new SeededRandom(seed);
  }

  uniform(): number {
    return this.rng.next();
  }

  /** Integer in [min, maxInclusive], like numpy's integers(min, max + 1). */
  int(min: number, maxInclusive: number): number {
    return this.rng.int(min, maxInclusive);
  }

  normal(): number {
    return this.rng.normal();
  }

  /** Gamma(shape, scale) by Marsaglia and Tsang; shape < 1 through the boost Gamma(shape + 1) * U^(1/shape). */
  gamma(shape: number, scale: number): number {
    if (!(shape > 0) || !(scale > 0)) throw new RangeError(`gamma needs shape and scale > 0 (got ${shape}, ${scale})`);
    if (shape < 1) return this.gamma(shape + 1, scale) * Math.pow(Math.max(this.uniform(), 1e-300), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = Math.max(this.uniform(), 1e-300);
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
    }
  }
}
