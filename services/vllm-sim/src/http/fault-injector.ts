// Injected faults, changeable at runtime (POST /sim/faults) and forced per request (x-sim-fault).
// Durations are simulated milliseconds, scaled by the time scale like everything else.
import type { RandomSource } from "../output/random-source.js";

export const ERROR_KINDS = ["429", "500", "503", "400"] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];
export const FORCED_FAULTS = [...ERROR_KINDS, "stall", "slow", "schema-violation"] as const;
export const FAULT_HEADER = "x-sim-fault";

export interface FaultSettings {
  /** Probability that a generation request fails with one of `errorTypes`. */
  errorRate: number;
  errorTypes: ErrorKind[];
  /** Added before a generation request enters the engine. */
  latencyMs: number;
  /** Probability that a stream stops sending after `stallAfterTokens` tokens for `stallMs`. */
  stallRate: number;
  stallAfterTokens: number;
  stallMs: number;
  /** Probability that a structured-output request (JSON schema) is answered with JSON that violates it. */
  schemaViolationRate: number;
}

export interface FaultDecision {
  error?: ErrorKind;
  delayMs: number;
  stall?: { afterTokens: number; ms: number };
  schemaViolation?: boolean;
}

export class FaultSettingsError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

const isRate = (v: unknown): v is number => typeof v === "number" && v >= 0 && v <= 1;
const isDuration = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;

export class FaultInjector {
  private current: FaultSettings;

  constructor(
    initial: FaultSettings,
    private readonly random: RandomSource,
  ) {
    this.current = FaultInjector.validate(initial, initial);
  }

  get settings(): FaultSettings {
    return { ...this.current, errorTypes: [...this.current.errorTypes] };
  }

  /** Applies a partial update; an invalid field rejects the whole update. */
  update(patch: unknown): FaultSettings {
    this.current = FaultInjector.validate(patch, this.current);
    return this.settings;
  }

  /** `forced` is the x-sim-fault header value, if any. */
  decide(forced: string | undefined): FaultDecision {
    const s = this.current;
    if (forced !== undefined && !(FORCED_FAULTS as readonly string[]).includes(forced)) {
      throw new FaultSettingsError(FAULT_HEADER, `must be one of ${FORCED_FAULTS.join(", ")}`);
    }
    const decision: FaultDecision = { delayMs: s.latencyMs };
    if ((ERROR_KINDS as readonly string[]).includes(forced ?? "")) decision.error = forced as ErrorKind;
    else if (forced === undefined && s.errorTypes.length > 0 && s.errorRate > 0 && this.random.next() < s.errorRate) {
      decision.error = s.errorTypes[Math.floor(this.random.next() * s.errorTypes.length)]!;
    }
    if (forced === "slow") decision.delayMs = Math.max(s.latencyMs, 1000);
    if (forced === "stall" || (forced === undefined && s.stallRate > 0 && this.random.next() < s.stallRate)) {
      decision.stall = { afterTokens: s.stallAfterTokens, ms: s.stallMs };
    }
    if (forced === "schema-violation" || (forced === undefined && s.schemaViolationRate > 0 && this.random.next() < s.schemaViolationRate)) {
      decision.schemaViolation = true;
    }
    return decision;
  }

  static validate(patch: unknown, base: FaultSettings): FaultSettings {
    if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw new FaultSettingsError("body", "must be a JSON object");
    const p = patch as Record<string, unknown>;
    const known = new Set(["errorRate", "errorTypes", "latencyMs", "stallRate", "stallAfterTokens", "stallMs", "schemaViolationRate"]);
    for (const key of Object.keys(p)) if (!known.has(key)) throw new FaultSettingsError(key, `unknown setting; known: ${[...known].join(", ")}`);
    const next = { ...base };
    if ("errorRate" in p) {
      if (!isRate(p["errorRate"])) throw new FaultSettingsError("errorRate", "must be a number from 0 to 1");
      next.errorRate = p["errorRate"];
    }
    if ("errorTypes" in p) {
      const types = p["errorTypes"];
      if (!Array.isArray(types) || !types.every((t) => (ERROR_KINDS as readonly unknown[]).includes(String(t)))) {
        throw new FaultSettingsError("errorTypes", `must be a list drawn from ${ERROR_KINDS.join(", ")}`);
      }
      next.errorTypes = types.map((t) => String(t) as ErrorKind);
    }
    if ("latencyMs" in p) {
      if (!isDuration(p["latencyMs"])) throw new FaultSettingsError("latencyMs", "must be a non-negative number");
      next.latencyMs = p["latencyMs"];
    }
    if ("stallRate" in p) {
      if (!isRate(p["stallRate"])) throw new FaultSettingsError("stallRate", "must be a number from 0 to 1");
      next.stallRate = p["stallRate"];
    }
    if ("stallAfterTokens" in p) {
      const v = p["stallAfterTokens"];
      if (!Number.isInteger(v) || (v as number) < 0) throw new FaultSettingsError("stallAfterTokens", "must be a non-negative integer");
      next.stallAfterTokens = v as number;
    }
    if ("schemaViolationRate" in p) {
      if (!isRate(p["schemaViolationRate"])) throw new FaultSettingsError("schemaViolationRate", "must be a number from 0 to 1");
      next.schemaViolationRate = p["schemaViolationRate"];
    }
    if ("stallMs" in p) {
      if (!isDuration(p["stallMs"])) throw new FaultSettingsError("stallMs", "must be a non-negative number");
      next.stallMs = p["stallMs"];
    }
    return next;
  }
}
