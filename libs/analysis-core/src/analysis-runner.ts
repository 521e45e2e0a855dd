// How an analysis RPC runs one restaurant's analysis. The analysis itself is one function
// `execute(signal) -> { result, report }`; the runner wraps it (lock -> SKIP -> run -> record -> release).
import { common } from "@reviewlens/contracts";
import { Status, statusOf } from "@reviewlens/runtime";

export interface AnalysisKey {
  restaurantId: string;
  /** sentiment, summary or strength_extraction (the metrics store's analysis_type). */
  analysisType: string;
  force: boolean;
  /** Non-default parameters (e.g. "k10"); a different variant is a different analysis for lock and SKIP. */
  variant?: string;
}

export interface AnalysisOutcome<T> {
  result: T;
  report: common.AnalysisReport;
  /** Reviews the analysis could not process (analysis_metrics.error_count). */
  errorCount?: number;
}

/** How a result is stored for SKIP and read back (the generated message's toJSON / fromJSON). */
export interface ResultCodec<T> {
  encode(result: T): unknown;
  decode(stored: unknown): T;
}

export interface AnalysisRunner {
  run<T>(key: AnalysisKey, execute: (signal: AbortSignal) => Promise<AnalysisOutcome<T>>, signal: AbortSignal, codec?: ResultCodec<T>): Promise<AnalysisOutcome<T>>;
}

/** The report of an analysis that failed inside a batch RPC, where one restaurant must not end the stream. */
export function failedReport(error: unknown, processingMs: number): common.AnalysisReport {
  const message = error instanceof Error ? error.message : String(error);
  const status = statusOf(error)?.status;
  const code = status === undefined ? "" : `${Status[status]}: `;
  return {
    status: common.AnalysisStatus.ANALYSIS_STATUS_FAILED,
    resultAge: undefined,
    usage: undefined,
    timings: undefined,
    reviewsConsidered: 0,
    llmRequests: 0,
    processingMs,
    warnings: [],
    error: `${code}${message}`,
    steps: [],
    batchSize: 0,
  };
}
