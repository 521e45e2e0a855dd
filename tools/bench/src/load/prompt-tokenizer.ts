// The slice of a tokenizer the load generator needs to build prompts of exact token lengths.
export interface PromptTokenizer {
  readonly vocabSize: number;
  encode(text: string): number[];
  decode(ids: number[]): string;
}
