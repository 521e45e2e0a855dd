// The AnalysisReport of a completed analysis, from its ledger, warnings and step timings.
import { common } from "@reviewlens/contracts";
import type { UsageLedger } from "./usage-ledger.js";

export interface ReportParts {
  ledger: UsageLedger;
  reviewsConsidered: number;
  processingMs: number;
  warnings: string[];
  steps?: common.StepTiming[];
}

export function completedReport(parts: ReportParts): common.AnalysisReport {
  return {
    status: common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED,
    resultAge: undefined,
    usage: parts.ledger.usage(),
    timings: parts.ledger.timings(),
    reviewsConsidered: parts.reviewsConsidered,
    llmRequests: parts.ledger.snapshot().llmRequests,
    processingMs: parts.processingMs,
    warnings: parts.warnings,
    error: "",
    steps: parts.steps ?? [],
    batchSize: parts.ledger.batchSize,
  };
}
