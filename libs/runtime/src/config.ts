// Typed configuration from environment variables, validated once at start-up.

/** A configuration problem that names the variable and the form it expects. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expected: string,
    readonly got: string | undefined,
  ) {
    super(
      got === undefined
        ? `${variable} is required: expected ${expected}`
        : `${variable}=${JSON.stringify(got)} is invalid: expected ${expected}`,
    );
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/** How one variable is parsed: the form a person should write, and the parser. */
export interface Field<T> {
  readonly expected: string;
  readonly fallback?: T | undefined;
  readonly required: boolean;
  /** What the variable does, for people: docs/configuration.md is generated from it. */
  readonly description?: string | undefined;
  readonly parse: (raw: string) => T | undefined; // undefined means malformed
  /** The same field with a description (`env.integer(1, 10, 5).describe("...")`). */
  describe(description: string): Field<T>;
}

type FieldSpec<T> = Omit<Field<T>, "describe">;

function describable<T>(spec: FieldSpec<T>): Field<T> {
  return { ...spec, describe: (description) => describable({ ...spec, description }) };
}

function field<T>(expected: string, parse: (raw: string) => T | undefined, fallback?: T): Field<T> {
  return describable({ expected, parse, fallback, required: fallback === undefined });
}

const INTEGER = /^-?\d+$/;

export const env = {
  string: (fallback?: string) => field("a non-empty string", (raw) => (raw.length > 0 ? raw : undefined), fallback),
  integer: (min: number, max: number, fallback?: number) =>
    field(
      `an integer from ${min} to ${max}`,
      (raw) => {
        if (!INTEGER.test(raw.trim())) return undefined;
        const n = Number(raw);
        return n >= min && n <= max ? n : undefined;
      },
      fallback,
    ),
  number: (min: number, max: number, fallback?: number) =>
    field(
      `a number from ${min} to ${max}`,
      (raw) => {
        const n = Number(raw);
        return raw.trim() !== "" && Number.isFinite(n) && n >= min && n <= max ? n : undefined;
      },
      fallback,
    ),
  /** One of `words` (such as "auto") or an integer from `min` to `max`. */
  integerOr: <const W extends string>(words: readonly W[], min: number, max: number, fallback?: number | W) =>
    field<number | W>(
      `${words.join(", ")} or an integer from ${min} to ${max}`,
      (raw) => ((words as readonly string[]).includes(raw.trim()) ? (raw.trim() as W) : env.integer(min, max).parse(raw)),
      fallback,
    ),
  port: (fallback?: number) => env.integer(0, 65535, fallback),
  boolean: (fallback?: boolean) =>
    field(
      "true or false",
      (raw) => (/^(true|1|yes)$/i.test(raw) ? true : /^(false|0|no)$/i.test(raw) ? false : undefined),
      fallback,
    ),
  url: (fallback?: string) =>
    field(
      "an absolute URL such as http://127.0.0.1:8000",
      (raw) => {
        try {
          return new URL(raw).protocol.length > 1 ? raw.replace(/\/+$/, "") : undefined;
        } catch {
          return undefined;
        }
      },
      fallback,
    ),
  urlList: (fallback?: string[]) =>
    field(
      "a comma-separated list of absolute URLs",
      (raw) => {
        const parts = raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
        const parsed = parts.map((p) => env.url().parse(p));
        return parts.length > 0 && parsed.every((p) => p !== undefined) ? (parsed) : undefined;
      },
      fallback,
    ),
  oneOf: <const T extends string>(values: readonly T[], fallback?: T) =>
    field(`one of ${values.join(", ")}`, (raw) => (values as readonly string[]).includes(raw) ? (raw as T) : undefined, fallback),
  /** A comma-separated list of some of `values` (an empty list when absent, unless a fallback is given). */
  listOf: <const T extends string>(values: readonly T[], fallback: T[] = []) =>
    field(
      `a comma-separated list drawn from ${values.join(", ")}`,
      (raw) => {
        const parts = raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
        return parts.every((p) => (values as readonly string[]).includes(p)) ? (parts as T[]) : undefined;
      },
      fallback,
    ),
  /** Optional: absent gives undefined, present must parse. */
  optional: <T>(inner: Field<T>): Field<T | undefined> =>
    describable<T | undefined>({ expected: inner.expected, required: false, fallback: undefined, parse: inner.parse, description: inner.description }),
};

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** The pino log level every program reads from LOG_LEVEL; `fallback` is the program's default. */
export const logLevelField = (fallback: (typeof LOG_LEVELS)[number]) => env.oneOf(LOG_LEVELS, fallback).describe("pino log level");

export type Schema = Record<string, Field<unknown>>;
export type ConfigOf<S extends Schema> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

/**
 * Reads every variable of the schema, collecting all problems so a person fixes them in one go.
 * Throws an AggregateConfigError listing each variable at fault.
 */
export function readConfig<S extends Schema>(schema: S, source: Env = process.env): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: ConfigError[] = [];
  for (const [name, f] of Object.entries(schema)) {
    const raw = source[name];
    if (raw === undefined || raw === "") {
      if (f.required) problems.push(new ConfigError(name, f.expected, undefined));
      else out[name] = f.fallback;
      continue;
    }
    const value = f.parse(raw);
    if (value === undefined) problems.push(new ConfigError(name, f.expected, raw));
    else out[name] = value;
  }
  if (problems.length > 0) throw new InvalidConfigError(problems);
  return out as ConfigOf<S>;
}

export class InvalidConfigError extends Error {
  constructor(readonly problems: ConfigError[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p.message}`).join("\n")}`);
    this.name = "InvalidConfigError";
  }
}

/** Variables renamed to carry their component's prefix and unit: new name -> old name, still read for one release. */
export type FormerNames = Readonly<Record<string, string>>;

/**
 * The source with each renamed variable's old value under its new name when the new one is unset,
 * and one warning per old name that is set, naming the new one (the new name wins when both are set).
 * Values are never part of a warning: some of them are secrets.
 */
export function withFormerNames(source: Env, formerNames: FormerNames): { source: Env; warnings: string[] } {
  const out: Env = { ...source };
  const warnings: string[] = [];
  const isSet = (value: string | undefined): value is string => value !== undefined && value !== "";
  for (const [name, former] of Object.entries(formerNames)) {
    const old = source[former];
    if (!isSet(old)) continue;
    if (isSet(source[name])) {
      warnings.push(`${former} is a former name of ${name}, which is set and wins: remove ${former}`);
    } else {
      out[name] = old;
      warnings.push(`${former} is a former name, read for one release only: set ${name} instead`);
    }
  }
  return { source: out, warnings };
}
