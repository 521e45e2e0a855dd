// /v1/embeddings from the shared deterministic hashing embedder (the same vectors vector-search
// computes in-process when no embedding endpoint is configured).
import { createHashingEmbedder, type HashingEmbedder } from "@reviewlens/embedder";
import type { Qwen25Tokenizer } from "@reviewlens/tokenizer";
import { badField } from "./api-error.js";

export class EmbeddingsEndpoint {
  private readonly embedders = new Map<number, HashingEmbedder>();

  constructor(
    private readonly defaultDimension: number,
    private readonly tokenizer: Qwen25Tokenizer,
    private readonly modelName: string,
  ) {}

  handle(body: Record<string, unknown>) {
    const raw = body["input"];
    const inputs = typeof raw === "string" ? [raw] : raw;
    if (!Array.isArray(inputs) || inputs.length === 0) throw badField("input", "must be a string or a non-empty list");
    const texts = inputs.map((item, i) => {
      if (typeof item === "string") return item;
      if (Array.isArray(item) && item.every((t) => Number.isInteger(t) && t >= 0 && t < this.tokenizer.vocabSize)) return this.tokenizer.decode(item as number[]);
      throw badField(`input[${i}]`, "must be a string or a list of token ids");
    });
    const dimensions = body["dimensions"] ?? this.defaultDimension;
    if (!Number.isInteger(dimensions) || (dimensions as number) < 1 || (dimensions as number) > 8192) throw badField("dimensions", "must be an integer from 1 to 8192");
    const format = body["encoding_format"] ?? "float";
    if (format !== "float" && format !== "base64") throw badField("encoding_format", "must be float or base64");
    const embedder = this.embedderOf(dimensions as number);
    let promptTokens = 0;
    const data = texts.map((text, index) => {
      promptTokens += this.tokenizer.count(text);
      const vector = embedder.embedOne(text);
      const embedding = format === "base64" ? Buffer.from(Float32Array.from(vector).buffer).toString("base64") : vector;
      return { object: "embedding", index, embedding };
    });
    return { object: "list", data, model: this.modelName, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } };
  }

  private embedderOf(dimension: number): HashingEmbedder {
    let embedder = this.embedders.get(dimension);
    if (!embedder) {
      embedder = createHashingEmbedder({ dimension });
      this.embedders.set(dimension, embedder);
    }
    return embedder;
  }
}
