// Last successes from analysis_state in the metrics store the analysis services write.
import type { MetricsStore } from "@reviewlens/metrics-store";
import type { LastSuccessSource } from "../ports.js";
import type { LastSuccess } from "../run-plan.js";

export function analysisStateSource(store: Pick<MetricsStore, "listAnalysisStates">): LastSuccessSource {
  return {
    async load(analysisTypes, signal) {
      const out = new Map<string, LastSuccess>();
      for (const type of analysisTypes) {
        for (const s of await store.listAnalysisStates(type, signal)) {
          if (s.lastSuccessAt && s.reviewCount !== undefined && s.vectorVersion !== undefined) {
            out.set(`${s.restaurantId}/${type}`, { at: s.lastSuccessAt, reviewCount: s.reviewCount, vectorVersion: s.vectorVersion });
          }
        }
      }
      return out;
    },
  };
}

/** Without a shared database nothing is known: every restaurant counts as never analysed. */
export const noLastSuccesses: LastSuccessSource = { load: async () => new Map() };
