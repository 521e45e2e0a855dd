// The openai package (v6) against the gateway's OpenAI-compatible facade.
import OpenAI from "openai";

const client = new OpenAI({ baseURL: process.env.GATEWAY_URL ?? "http://localhost:8080/v1", apiKey: process.env.GATEWAY_API_KEY ?? "EMPTY" });
const model = (await client.models.list()).data[0]!.id;

// Priority and deadlines travel as headers (or body fields); usage on a stream needs include_usage.
const stream = await client.chat.completions.create(
  { model, messages: [{ role: "user", content: "맛집 추천" }], max_tokens: 64, stream: true, stream_options: { include_usage: true } },
  { headers: { "x-priority": "interactive" } },
);
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta.content ?? "");
  if (chunk.usage) console.log(`\nusage: ${chunk.usage.prompt_tokens} prompt (${chunk.usage.prompt_tokens_details?.cached_tokens} cached), ${chunk.usage.completion_tokens} output`);
}

// The SDK asks for base64 by default and decodes it: nothing to set.
const { data } = await client.embeddings.create({ model, input: "국물이 진해요" });
console.log(`embedding: ${data[0]!.embedding.length} numbers`);
