// What other packages may use without starting the server: the index and its gRPC handlers, to
// serve the real TOP-K selection in-process (over LanceDB in a folder), and the stores and review
// validation the vector benchmark drives.
export { openLanceDbVectorStore } from "./adapters/lancedb-vector-store.js";
export { openQdrantVectorStore } from "./adapters/qdrant-vector-store.js";
export { DEFAULT_WEIGHT_POLICY } from "./domain/representative-vector.js";
export { DEFAULT_REVIEW_LIMITS, isFieldProblem, validateReview, type ReviewRecord } from "./domain/review.js";
export { ReviewIndex } from "./review-index.js";
export { createVectorSearchHandlers } from "./vector-search-handlers.js";
export type { VectorStore } from "./vector-store.js";
