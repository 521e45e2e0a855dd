export * from "./dataset.js";
export * from "./phrase-bank.js";
export * from "./review-files.js";
export * from "./seeded-random.js";
export * from "./review-file-reader.js";
export * from "./upload-review.js";
