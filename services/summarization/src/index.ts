// What other packages may use without starting the server: the analyses, their defaults and settings.
export { DEFAULT_ASPECTS } from "./aspects.js";
export { summarizationSchema } from "./config.js";
export { DEFAULT_THRESHOLDS } from "./strengths/step-f-filter.js";
export { DEFAULT_LOOK_AHEAD, extractStrengths, NO_LOOK_AHEAD, type LookAheadPoints, type StrengthDeps, type StrengthRequest } from "./strengths/strength-pipeline.js";
export { DEFAULT_MAX_STRENGTHS } from "./summarization-service.js";
export { summarizeRestaurant, type SummaryDeps } from "./summary/summary-analysis.js";
export { createVectorSearchBaseline } from "./adapters/vector-search-baseline.js";
