export * from "./dataset.js";
export * from "./phrase-bank.js";
export * from "./review-files.js";
export * from "./review-file-reader.js";
export * from "./upload-review.js";
