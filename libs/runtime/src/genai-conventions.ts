// OpenTelemetry GenAI semantic conventions (open-telemetry/semantic-conventions-genai, status
// "Development"): the attribute and metric names the gateway and the analysis services emit, the
// bucket boundaries the conventions' gen-ai-metrics.md asks for, and the opt-in that also emits the
// names they replaced for one release.
import { env } from "./config.js";

/** `gen_ai.server.time_to_first_token` (s): the conventions' ExplicitBucketBoundaries. */
export const TIME_TO_FIRST_TOKEN_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0];
/** `gen_ai.server.time_per_output_token` (s). */
export const TIME_PER_OUTPUT_TOKEN_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];
/** `gen_ai.server.request.duration` and `gen_ai.client.operation.duration` (s). */
export const OPERATION_DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/** `gen_ai.client.token.usage` ({token}). */
export const TOKEN_USAGE_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

/** The OTEL_SEMCONV_STABILITY_OPT_IN value that emits the replaced names next to the current ones. */
export const GEN_AI_DUP_OPT_IN = "gen_ai/dup";
/** The conventions' own value: the latest experimental names only (also the default here). */
export const GEN_AI_LATEST_OPT_IN = "gen_ai_latest_experimental";

/** Declared for the docs and validated with the rest; genAiConventions() reads it where spans are made. */
export const genAiConventionsSchema = {
  OTEL_SEMCONV_STABILITY_OPT_IN: env
    .optional(env.string())
    .describe(
      "comma-separated: `gen_ai/dup` also emits the replaced `gen_ai.system` (same value as `gen_ai.provider.name`) on spans and as a metric label, for dashboards not yet moved, for one release; unset or `gen_ai_latest_experimental`: the current names only",
    ),
};

export interface GenAiConventions {
  /** Also emit `gen_ai.system` (replaced by `gen_ai.provider.name`). */
  readonly legacyNames: boolean;
}

/** Reads OTEL_SEMCONV_STABILITY_OPT_IN (a comma-separated list, as for the HTTP and database migrations). */
export function genAiConventions(env: Record<string, string | undefined> = process.env): GenAiConventions {
  const values = (env["OTEL_SEMCONV_STABILITY_OPT_IN"] ?? "").split(",").map((v) => v.trim());
  return { legacyNames: values.includes(GEN_AI_DUP_OPT_IN) };
}

/** `gen_ai.provider.name`, and `gen_ai.system` with the same value when the old names are asked for. */
export function providerAttributes(provider: string, conventions: GenAiConventions): Record<string, string> {
  return { "gen_ai.provider.name": provider, ...(conventions.legacyNames ? { "gen_ai.system": provider } : {}) };
}

/** `server.address` and `server.port` of a URL or a gRPC target (host:port, dns:///host:port, [::1]:port). */
export function serverAttributes(target: string): Record<string, string | number> {
  let host = target;
  let port: number | undefined;
  try {
    const url = new URL(target);
    if (url.protocol === "http:" || url.protocol === "https:") {
      host = url.hostname;
      port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    }
  } catch {
    // not a URL: a gRPC target
  }
  if (port === undefined) {
    const match = /^(?:[a-z]+:\/\/\/?)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?$/.exec(target);
    if (match) [host, port] = [match[1]!, match[2] ? Number(match[2]) : undefined];
  }
  host = host.replace(/^\[(.*)\]$/, "$1");
  return { "server.address": host, ...(port !== undefined ? { "server.port": port } : {}) };
}
