// The Vercel AI SDK (`ai` 6 with `@ai-sdk/openai-compatible`) against the gateway's facade.
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { Output, embed, generateText, streamText } from "ai";
import { z } from "zod";

const gateway = createOpenAICompatible({
  name: "reviewlens", // gateway fields go in providerOptions under this name
  baseURL: process.env.GATEWAY_URL ?? "http://localhost:8080/v1",
  apiKey: process.env.GATEWAY_API_KEY ?? "EMPTY",
  includeUsage: true, // without it streams end without usage
  supportsStructuredOutputs: true, // without it Output.object sends only json_object, not the schema
});
const model = gateway.chatModel("Qwen/Qwen2.5-7B-Instruct");

const result = streamText({ model, prompt: "맛집 추천", maxOutputTokens: 64, providerOptions: { reviewlens: { priority: "interactive" } } });
for await (const text of result.textStream) process.stdout.write(text);
const usage = await result.usage;
console.log(`\nusage: ${usage.inputTokens} prompt (${usage.inputTokenDetails.cacheReadTokens} cached), ${usage.outputTokens} output`);

const { output } = await generateText({ model, output: Output.object({ schema: z.object({ label: z.enum(["positive", "negative"]) }) }), prompt: "국물이 진해요" });
console.log(`label: ${output.label}`);

const { embedding } = await embed({ model: gateway.embeddingModel("Qwen/Qwen2.5-7B-Instruct"), value: "국물이 진해요" });
console.log(`embedding: ${embedding.length} numbers`);
