// The reviewlens CLI: a gRPC client of the services, like any other.
import { Command, InvalidArgumentError as CommanderArgumentError } from "commander";
import { ClientError, Status } from "nice-grpc";
import { InvalidConfigError } from "@reviewlens/runtime/config";
import { runBenchCommand } from "@reviewlens/bench";
import { analyze } from "./commands/analyze.js";
import { formatIngestSummary, ingestFile } from "./commands/ingest.js";
import { runScheduler } from "./commands/scheduler.js";
import { searchImages, searchReviews } from "./commands/search.js";
import { gatewayStatus, renderStatus } from "./commands/status.js";
import { connectionDefaults, ServiceClients, type ConnectionOptions } from "./connection.js";
import { renderAccounting, renderResult, type AnalysisKind } from "./render.js";
import { inference, vectorsearch } from "@reviewlens/contracts";
import { analysisRowJson } from "./to-json.js";

const integerFrom = (min: number, what: string) => (name: string) => (raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new CommanderArgumentError(`${name} must be a ${what} integer`);
  return n;
};
const positiveInt = integerFrom(1, "positive");
const nonNegativeInt = integerFrom(0, "non-negative");
const cosine = (name: string) => (raw: string) => {
  const n = raw.trim() === "" ? NaN : Number(raw);
  if (!(n >= -1 && n <= 1)) throw new CommanderArgumentError(`${name} must be a cosine similarity from -1 to 1`);
  return n;
};

function buildProgram(out: (s: string) => void): Command {
  const defaults = connectionDefaults();
  const program = new Command("reviewlens")
    .description("Analyse restaurant reviews with Reviewlens over gRPC")
    .option("--gateway <addr>", "inference-gateway address (REVIEWLENS_GATEWAY_ADDR)", defaults.gateway)
    .option("--vector-search <addr>", "vector-search address (REVIEWLENS_VECTOR_SEARCH_ADDR)", defaults.vectorSearch)
    .option("--sentiment <addr>", "sentiment address (REVIEWLENS_SENTIMENT_ADDR)", defaults.sentiment)
    .option("--summarization <addr>", "summarization address (REVIEWLENS_SUMMARIZATION_ADDR)", defaults.summarization)
    .option("--tls", "use TLS (REVIEWLENS_TLS=true)", defaults.tls)
    .option("--ca <file>", "CA certificate for TLS (REVIEWLENS_TLS_CA)", defaults.ca)
    .option("--cert <file>", "client certificate for mTLS (REVIEWLENS_TLS_CERT)", defaults.cert)
    .option("--key <file>", "client key for mTLS (REVIEWLENS_TLS_KEY)", defaults.key)
    .option("--timeout <ms>", "deadline of each call (REVIEWLENS_TIMEOUT_MS)", positiveInt("--timeout"), defaults.timeoutMs)
    .option("--tenant <name>", "tenant sent as x-tenant on every call (REVIEWLENS_TENANT)", defaults.tenant)
    .showHelpAfterError()
    // Before the subcommands are added, so they inherit it: errors return an exit code, not exit().
    .exitOverride();

  const clients = () => {
    const o = program.opts<Omit<ConnectionOptions, "timeoutMs"> & { timeout: number }>();
    return new ServiceClients({ ...o, timeoutMs: o.timeout, gatewayApiKey: defaults.gatewayApiKey });
  };
  const withClients = async (run: (c: ServiceClients) => Promise<void>) => {
    const c = clients();
    try {
      await run(c);
    } finally {
      c.close();
    }
  };

  program
    .command("ingest")
    .description("upload reviews from a JSON Lines or CSV file (review_id,restaurant_id,rating,created_at,text,image_captions)")
    .argument("<file>")
    .option("--batch-size <n>", "reviews per streamed message", positiveInt("--batch-size"), 200)
    .option("--retries <n>", "times an upload cut off by the service going away (UNAVAILABLE) is sent again", nonNegativeInt("--retries"), 5)
    .option("--json", "print the summary as JSON")
    .action((file: string, o: { batchSize: number; retries: number; json?: boolean }) =>
      withClients(async (c) => {
        const summary = await ingestFile(c, file, { batchSize: o.batchSize, retries: o.retries, progress: !o.json });
        out(o.json ? JSON.stringify(summary, null, 2) : formatIngestSummary(summary));
      }),
    );

  program
    .command("analyze")
    .description("run an analysis for one or more restaurants")
    .addArgument(new Command().createArgument("<analysis>", "sentiment, summary or strengths").choices(["sentiment", "summary", "strengths"]))
    .argument("<restaurant...>")
    .option("--force", "bypass SKIP (a recent equal result) and run again")
    .option("--top-k <n>", "reviews selected per restaurant", positiveInt("--top-k"))
    .option("--json", "print results as JSON")
    .action((kind: AnalysisKind, restaurants: string[], o: { force?: boolean; topK?: number; json?: boolean }) =>
      withClients(async (c) => {
        const rows = await analyze(c, kind, restaurants, {
          force: o.force ?? false,
          topK: o.topK,
          onResult: o.json ? undefined : (row) => out(renderResult(row)),
        });
        out(o.json ? JSON.stringify(rows.map(analysisRowJson), null, 2) : renderAccounting(rows));
      }),
    );

  program
    .command("search")
    .description("reviews similar to a text")
    .argument("<text>")
    .option("--restaurant <id>", "only this restaurant")
    .option("--top-k <n>", "how many", positiveInt("--top-k"), 10)
    .option("--min-score <cosine>", "leave out hits less similar than this (-1 to 1)", cosine("--min-score"))
    .option("--json", "print JSON")
    .action((text: string, o: { restaurant?: string; topK: number; minScore?: number; json?: boolean }) =>
      withClients(async (c) => {
        const r = await searchReviews(c, text, o);
        if (o.json) return out(JSON.stringify(vectorsearch.SearchSimilarReviewsResponse.toJSON(r), null, 2));
        for (const hit of r.results) out(`${hit.score.toFixed(3)}  ${hit.review?.reviewId}  [${hit.review?.restaurantId}, ${hit.review?.rating}★]  ${hit.review?.text}`);
      }),
    );

  program
    .command("images")
    .description("review photos for a text query (with LLM query expansion)")
    .argument("<text>")
    .option("--restaurant <id>", "only this restaurant")
    .option("--top-k <n>", "how many", positiveInt("--top-k"), 10)
    .option("--json", "print JSON")
    .action((text: string, o: { restaurant?: string; topK: number; json?: boolean }) =>
      withClients(async (c) => {
        const r = await searchImages(c, text, o);
        if (o.json) return out(JSON.stringify(vectorsearch.SearchImagesResponse.toJSON(r), null, 2));
        out(`queries: ${[text, ...r.expandedQueries].join(" | ")}`);
        for (const img of r.images) out(`${img.score.toFixed(4)}  ${img.imageId}  ${img.caption}  (${img.restaurantId}, review ${img.reviewId}; matched ${img.matchedQueries.join(", ")})`);
      }),
    );

  program
    .command("status")
    .description("the gateway's queues, backends and recent goodput")
    .option("--json", "print JSON")
    .action((o: { json?: boolean }) =>
      withClients(async (c) => {
        const s = await gatewayStatus(c);
        out(o.json ? JSON.stringify(inference.GetStatusResponse.toJSON(s), null, 2) : renderStatus(s));
      }),
    );

  program
    .command("scheduler")
    .description("the tier scheduler: `scheduler run-once [--dry-run] [--json] ...` (scheduler run-once --help)")
    .argument("<action>", "run-once")
    .argument("[args...]")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (action: string, args: string[]) => {
      if (action !== "run-once") throw new CommanderArgumentError(`unknown scheduler action "${action}": the only one is run-once`);
      const o = program.opts<Omit<ConnectionOptions, "timeoutMs"> & { timeout: number }>();
      const code = await runScheduler({ ...o, timeoutMs: o.timeout }, args);
      if (code !== 0) throw new ExitCodeError(code);
    });

  program
    .command("bench")
    .description("load generator and experiments with vllm bench serve's flags (reviewlens bench --help)")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[args...]")
    .action(async (args: string[]) => {
      const code = await runBenchCommand(args, out);
      if (code !== 0) throw new ExitCodeError(code);
    });

  return program;
}

/** A subcommand that already reported its failure and only sets the exit code. */
class ExitCodeError extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** Runs the CLI; returns the exit code (errors become one clear line on stderr). */
export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  try {
    await buildProgram(out).parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof ExitCodeError) return error.exitCode;
    if (error instanceof InvalidConfigError) {
      process.stderr.write(`reviewlens: ${error.message}\n`);
      return 2;
    }
    if (error && typeof error === "object" && "exitCode" in error && "code" in error && String(error.code).startsWith("commander.")) {
      return Number(error.exitCode);
    }
    if (error instanceof ClientError) {
      const hint = error.code === Status.UNAVAILABLE ? " (is the service running? `make up` starts the stack)" : "";
      process.stderr.write(`reviewlens: ${Status[error.code]}: ${error.details}${hint}\n`);
      return 1;
    }
    process.stderr.write(`reviewlens: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
