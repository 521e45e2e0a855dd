// `reviewlens analyze sentiment|summary|strengths RESTAURANT...`: batch RPCs stream each
// restaurant's result as it finishes; strengths run one call per restaurant, concurrently.
import { common } from "@reviewlens/contracts";
import type { ServiceClients } from "../connection.js";
import type { AnalysisKind, AnalysisRow } from "../render.js";

export interface AnalyzeOptions {
  force: boolean;
  topK?: number | undefined;
  priority?: common.Priority;
  signal?: AbortSignal;
  /** Called as each restaurant's result arrives (completion order). */
  onResult?: ((row: AnalysisRow) => void) | undefined;
}

export async function analyze(clients: ServiceClients, kind: AnalysisKind, restaurantIds: string[], options: AnalyzeOptions): Promise<AnalysisRow[]> {
  const analysisOptions = { force: options.force, topK: options.topK ?? 0, priority: options.priority ?? common.Priority.PRIORITY_INTERACTIVE };
  const call = clients.callOptions(options.signal);
  const rows: AnalysisRow[] = [];
  const emit = (row: AnalysisRow) => {
    rows.push(row);
    options.onResult?.(row);
  };
  if (kind === "sentiment") {
    for await (const r of clients.sentiment.analyzeRestaurants({ restaurantIds, options: analysisOptions }, call)) {
      emit({ kind, restaurantId: r.restaurantId, report: r.report, sentiment: r.result });
    }
  } else if (kind === "summary") {
    for await (const r of clients.summarization.summarizeBatch({ restaurantIds, options: analysisOptions }, call)) {
      emit({ kind, restaurantId: r.restaurantId, report: r.report, summary: r.result });
    }
  } else {
    await Promise.all(
      restaurantIds.map(async (restaurantId) => {
        const r = await clients.summarization.extractStrengths({ restaurantId, options: analysisOptions }, call);
        emit({ kind, restaurantId, report: r.report, strengths: r.result });
      }),
    );
  }
  return rows;
}
