// LangChain JS (`@langchain/openai` 1.5) against the gateway's facade.
import type { UsageMetadata } from "@langchain/core/messages";
import { ChatOpenAI, OpenAI, OpenAIEmbeddings } from "@langchain/openai";
import { z } from "zod";

const configuration = { baseURL: process.env.GATEWAY_URL ?? "http://localhost:8080/v1" };
const apiKey = process.env.GATEWAY_API_KEY ?? "EMPTY";
const model = "Qwen/Qwen2.5-7B-Instruct";

// streamUsage is on by default; gateway fields go in modelKwargs.
const chat = new ChatOpenAI({ model, apiKey, configuration, maxTokens: 64, modelKwargs: { priority: "interactive" } });
for await (const chunk of await chat.stream("맛집 추천")) {
  process.stdout.write(chunk.text);
  // The cast: @langchain/core 1.4 types usage_metadata as never under exactOptionalPropertyTypes.
  const usage = chunk.usage_metadata as UsageMetadata | undefined;
  if (usage) console.log(`\nusage: ${usage.input_tokens} prompt (${usage.input_token_details?.cache_read} cached), ${usage.output_tokens} output`);
}

// json_schema for this model name.
const verdict = await chat.withStructuredOutput(z.object({ label: z.enum(["positive", "negative"]) })).invoke("국물이 진해요");
console.log(`label: ${verdict.label}`);

// The completions endpoint (streamed here; its streams carry no usage).
let completion = "";
for await (const text of await new OpenAI({ model, apiKey, configuration, maxTokens: 16 }).stream("The best noodle soup in town is")) completion += text;
console.log(`completion: ${completion.length} characters`);

// Through the openai SDK: base64 by default, decoded for you.
const vector = await new OpenAIEmbeddings({ model, apiKey, configuration }).embedQuery("국물이 진해요");
console.log(`embedding: ${vector.length} numbers`);
