// What the gateway executes: one LLM request as the gRPC handlers and the HTTP facade hand it over,
// and the events of its execution.
import type { PriorityClass } from "./scheduling/priority-class.js";

export interface ChatMessage {
  role: string;
  content: string;
}

export type Prompt = { kind: "text"; text: string } | { kind: "chat"; messages: ChatMessage[] };

export interface Sampling {
  maxTokens: number;
  temperature?: number | undefined;
  topP?: number | undefined;
  seed?: number | undefined;
  stop: string[];
  minTokens?: number | undefined;
  ignoreEos?: boolean | undefined;
}

export interface JsonSchemaFormat {
  name: string;
  schema: Record<string, unknown>;
  strict: boolean;
}

export interface LlmRequest {
  prompt: Prompt;
  /** Empty: the backend's served model. */
  model: string;
  sampling: Sampling;
  jsonSchema?: JsonSchemaFormat | undefined;
  priority: PriorityClass;
  /** Time to first token the caller needs (ms from arrival); undefined: none. */
  ttftDeadlineMs?: number | undefined;
  /** Equal keys within the retention window return the same result. */
  idempotencyKey?: string | undefined;
  restaurantId?: string | undefined;
  analysisType?: string | undefined;
  /** Whose request it is (fair shares and budgets); undefined: the default tenant. */
  tenant?: string | undefined;
  /** How the caller's API names the prompt, for a refusal (request.text, messages, ...); default request.prompt. */
  promptField?: string | undefined;
}

export interface TokenCounts {
  promptTokens: number;
  outputTokens: number;
  /** Of promptTokens, served from the backend's prefix cache (0 when the backend does not say). */
  cachedPromptTokens: number;
}

/** Absolute times (performance.now() ms) of one backend execution. */
export interface ExecutionTrace {
  requestId: string;
  backend: string;
  priority: PriorityClass;
  arrivedAt: number;
  dispatchedAt: number;
  firstTokenAt: number;
  finishedAt: number;
}

export type ExecutionEvent =
  | { type: "delta"; text: string }
  | { type: "done"; finishReason: string; usage: TokenCounts; trace: ExecutionTrace };

/** The text of a prompt as the estimator and prefix affinity see it. */
export function promptText(prompt: Prompt): string {
  return prompt.kind === "text" ? prompt.text : prompt.messages.map((m) => `${m.role}\n${m.content}\n`).join("");
}
