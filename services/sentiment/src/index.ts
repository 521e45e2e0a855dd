// What other packages may use without starting the server: the analysis and its settings.
export { analyzeSentiment, type SentimentDeps, type SentimentOutcome } from "./sentiment-analysis.js";
export { sentimentSchema } from "./config.js";
