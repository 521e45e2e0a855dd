// One LLM answer as JSON constrained by a schema (response_format), validated with ajv; a malformed
// answer is retried once with the validation error, then reported as failed, never guessed at.
import type { common } from "@reviewlens/contracts";
import { Ajv, type ValidateFunction } from "ajv";
import { asDependencyError } from "./dependency-errors.js";
import type { LlmGateway } from "./llm-gateway.js";
import type { ChatTurn } from "./prompt-tokenizer.js";
import type { UsageLedger } from "./usage-ledger.js";

const ajv = new Ajv({ allErrors: true, strict: false });
// By the schema's text: an analysis builds a new schema object per request (one per answer's keys),
// and compiling costs milliseconds; the same keys come back for every restaurant.
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 1_024;

export interface StructuredRequest {
  /** Schema name sent with response_format. */
  name: string;
  messages: ChatTurn[];
  /** What the backend constrains decoding to. */
  schema: object;
  /** What the answer is checked against; default `schema`. Looser when the domain repairs some faults itself. */
  validationSchema?: object;
  maxTokens: number;
  priority: common.Priority;
  restaurantId: string;
  analysisType: string;
}

export type StructuredOutcome<T> = { ok: true; value: T; attempts: number } | { ok: false; error: string; attempts: number };

const MAX_ECHOED_ANSWER_CHARS = 2_000;

function validatorFor(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, validate);
  }
  return validate;
}

/** Parses and validates one answer; returns the problem in words the model can act on. */
export function checkAnswer<T>(text: string, schema: object): { ok: true; value: T } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  const validate = validatorFor(schema);
  if (!validate(value)) return { ok: false, error: ajv.errorsText(validate.errors, { dataVar: "answer" }) };
  return { ok: true, value: value as T };
}

export async function completeStructured<T>(
  gateway: LlmGateway,
  request: StructuredRequest,
  ledger: UsageLedger,
  signal?: AbortSignal,
): Promise<StructuredOutcome<T>> {
  let messages = request.messages;
  let lastError = "";
  for (let attempt = 1; attempt <= 2; attempt++) {
    const response = await gateway.complete(
      {
        request: {
          prompt: { $case: "chat", value: { messages } },
          model: "",
          sampling: { maxTokens: request.maxTokens, temperature: 0, stop: [], minTokens: 0, ignoreEos: false },
          jsonSchema: { name: request.name, schemaJson: JSON.stringify(request.schema), strict: true },
          priority: request.priority,
          ttftDeadlineMs: 0,
          idempotencyKey: "",
          restaurantId: request.restaurantId,
          analysisType: request.analysisType,
        },
      },
      { signal },
    ).catch((error: unknown) => {
      throw asDependencyError(error, "inference-gateway");
    });
    ledger.record(response);
    const checked = checkAnswer<T>(response.text, request.validationSchema ?? request.schema);
    if (checked.ok) return { ok: true, value: checked.value, attempts: attempt };
    lastError = response.finishReason === "length" ? `${checked.error} (the answer hit max_tokens ${request.maxTokens})` : checked.error;
    // The retry keeps the original prompt as its prefix, so the backend's prefix cache serves it again.
    messages = [
      ...request.messages,
      { role: "assistant", content: response.text.slice(0, MAX_ECHOED_ANSWER_CHARS) },
      { role: "user", content: `That answer does not match the required JSON schema: ${lastError}. Answer again with JSON only, matching the schema exactly.` },
    ];
  }
  return { ok: false, error: `invalid structured output after a retry: ${lastError}`, attempts: 2 };
}
