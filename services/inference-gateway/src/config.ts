// The gateway's environment settings (docs/configuration.md is generated from these descriptions).
import { env, genAiConventionsSchema, type ServicePorts } from "@reviewlens/runtime";
import { metricsStoreSchema } from "@reviewlens/metrics-store";

export const gatewayPorts: ServicePorts = { grpcPort: 50051, metricsPort: 9461 };

export const gatewaySchema = {
  ...metricsStoreSchema,
  ...genAiConventionsSchema,
  GATEWAY_BACKEND_URLS: env
    .urlList(["http://127.0.0.1:8000"])
    .describe("comma-separated OpenAI-compatible backends: vLLM, vllm-sim, or others (SGLang, llama.cpp's server, TGI, Ollama: the gateway does without the signals they lack)"),
  GATEWAY_BACKEND_API_KEY: env.string("EMPTY").describe("bearer key sent to the backends"),
  GATEWAY_HTTP_PORT: env.port(8080).describe("OpenAI-compatible facade and `/admin/backends`"),
  GATEWAY_API_KEY: env.optional(env.string()).describe("when set, the facade and admin endpoints require `Authorization: Bearer` with it or a tenant's key (compared in constant time)"),
  GATEWAY_GRPC_API_KEY: env
    .optional(env.string())
    .describe("when set, every gRPC call but health and reflection must carry `authorization: Bearer <key>` metadata with it or a tenant's key (`GATEWAY_TENANT_API_KEYS`); a missing or wrong key gets `UNAUTHENTICATED`"),
  GATEWAY_MAX_NUM_SEQS: env.integer(1, 100_000, 1024).describe("the backends' `--max-num-seqs`"),
  GATEWAY_MAX_NUM_BATCHED_TOKENS: env.integer(16, 10_000_000, 8192).describe("the backends' `--max-num-batched-tokens`"),
  GATEWAY_PREFILL_BUDGET_STEPS: env
    .number(0.1, 100, 2)
    .describe("in-flight prefill tokens per replica, in steps of `max_num_batched_tokens` (with the one-step overshoot, two to three steps wait in vLLM: enough to keep its steps full)"),
  GATEWAY_INTERACTIVE_PREFILL_BUDGET_STEPS: env
    .number(0.1, 100, 1)
    .describe("the budget of non-interactive requests while latency-sensitive ones (interactive, short standard prompts) arrive: all classes, or with `GATEWAY_BACKEND_PRIORITY` only the arrivals' own class (a request dispatched now starts within about two steps)"),
  GATEWAY_INTERACTIVE_WINDOW_MS: env.integer(0, 3_600_000, 2_000).describe("how long after an interactive request or a short prompt arrives the smaller budget applies"),
  GATEWAY_INTERACTIVE_HEADROOM_STEPS: env
    .number(0, 100, 1)
    .describe("steps of prefill budget beyond the full budget that interactive requests may fill, so they never wait in the gateway behind a batch's prefill"),
  GATEWAY_SHORT_PROMPT_TOKENS: env
    .integer(0, 10_000_000, 512)
    .describe("prompts up to this many tokens need no free prefill budget, only room within its one-step overshoot; `0` turns this off"),
  GATEWAY_SEQ_BUDGET_FRACTION: env.number(0.01, 1, 1).describe("share of `max_num_seqs` the gateway may fill"),
  GATEWAY_KV_CACHE_HIGH_WATER: env.number(0.1, 1, 0.95).describe("no new sequence above this `vllm:kv_cache_usage_perc`"),
  GATEWAY_MAX_QUEUE: env.integer(1, 10_000_000, 10_000).describe("queued requests before `RESOURCE_EXHAUSTED`"),
  GATEWAY_AGING_FACTOR: env.number(1, 1_000, 2).describe("ageing bound K: a request is dispatched before more than K x max(its FCFS wait in tokens, the floor) of work overtakes it"),
  GATEWAY_AGING_FLOOR_TOKENS: env.integer(0, 100_000_000, 65_536).describe("work that may overtake a request that found the queue empty"),
  GATEWAY_AGING_CROSS_CLASS_FACTOR: env.number(1, 1_000, 4).describe("a due request passes a higher class only past this x its bound"),
  GATEWAY_DEADLINE_SLACK_MS: env.integer(0, 600_000, 100).describe("how early a TTFT deadline moves a request ahead"),
  GATEWAY_SJF_GRANULARITY_TOKENS: env
    .integer(1, 1_000_000, 512)
    .describe("shortest-first compares prompt costs in units of this many tokens, first come first served within a unit (1: exact); keep it at most `GATEWAY_SHORT_PROMPT_TOKENS`, or a short prompt can queue behind a longer one of its unit"),
  GATEWAY_BATCH_WINDOW_MS: env.integer(0, 1_000, 2).describe("arrivals within it are ordered and dispatched together"),
  GATEWAY_PREFILL_TOKENS_PER_SECOND: env.number(1, 1e9, 50_000).describe("one replica's prefill rate, for deadline refusals and retry hints"),
  GATEWAY_SLO_TTFT_MS: env.integer(1, 600_000, 2_000).describe("TTFT SLO (goodput, `met_slo`)"),
  GATEWAY_DEFAULT_MAX_TOKENS: env.integer(1, 1_000_000, 512).describe("`max_tokens` when a request leaves it 0"),
  GATEWAY_MAX_OUTPUT_TOKENS: env.integer(1, 1_000_000, 32_768).describe("largest `max_tokens` accepted"),
  GATEWAY_MAX_PROMPT_CHARS: env.integer(1, 100_000_000, 400_000).describe("longest prompt accepted, in characters"),
  GATEWAY_TOKENIZE: env
    .boolean(false)
    .describe("prompt lengths from the backend's `/tokenize` (exact; prompts beyond the model's context refused `INVALID_ARGUMENT`) instead of the estimator"),
  GATEWAY_BACKEND_PRIORITY: env
    .boolean(false)
    .describe("send each class as vLLM's `priority` (interactive -1, standard 0, batch 1); only for backends run with `--scheduling-policy priority`, which vLLM needs for any non-zero priority (the Helm chart sets both)"),
  GATEWAY_ROUTING: env.oneOf(["prefix-affinity", "least-loaded"] as const, "prefix-affinity").describe("`prefix-affinity`: a prompt goes where its leading blocks were served, unless that replica is too loaded; `least-loaded`: load alone"),
  GATEWAY_AFFINITY_MARGIN: env.number(0, 100, 0.2).describe("how much more loaded (share of a budget) the affine replica may be than the least-loaded one"),
  GATEWAY_AFFINITY_BLOCK_CHARS: env.integer(1, 10_000, 32).describe("block size for prefix hashing when token ids are unknown"),
  GATEWAY_PROBE_INTERVAL_MS: env.integer(50, 600_000, 1_000).describe("how often each backend's `/health` and `/metrics` are probed"),
  GATEWAY_PROBE_TIMEOUT_MS: env.integer(50, 600_000, 2_000).describe("timeout of one backend probe"),
  GATEWAY_UNHEALTHY_AFTER: env.integer(1, 100, 3).describe("consecutive failures that take a replica out (an unreachable one goes at once; a 503/429 admission refusal never counts)"),
  // Scale to zero: the pool can be woken (KEDA, the watchdog), so no healthy backend means "hold", not "fail".
  GATEWAY_WAKEABLE: env
    .boolean(false)
    .describe("something wakes the pool from zero (KEDA, the watchdog's `--wake`): with no healthy replica the gateway stays ready and holds requests; `false`: `UNAVAILABLE` at once and NOT_SERVING"),
  GATEWAY_WAKE_COLD_START_MS: env
    .integer(1, 86_400_000, 180_000)
    .describe("expected time from the first held request to a healthy replica, until one wake has been measured (then the median of the last five)"),
  GATEWAY_WAKE_TIMEOUT_MS: env.optional(env.integer(1, 86_400_000)).describe("how long a request waits for the wake before `UNAVAILABLE`; default twice the expected cold start"),
  GATEWAY_RETRY_ATTEMPTS: env.integer(0, 5, 1).describe("extra attempts on another replica when one fails before anything was delivered"),
  GATEWAY_BACKPRESSURE_BACKOFF_MS: env
    .integer(1, 600_000, 100)
    .describe("pause of a replica that refused at its admission limit (503/429), doubling per refusal in a row (its `Retry-After` wins)"),
  GATEWAY_BACKPRESSURE_MAX_BACKOFF_MS: env.integer(1, 600_000, 2_000).describe("longest such pause"),
  GATEWAY_BACKPRESSURE_MAX_WAIT_MS: env.integer(0, 3_600_000, 30_000).describe("how long a request refused that way is requeued before `RESOURCE_EXHAUSTED`"),
  GATEWAY_IDEMPOTENCY_WINDOW_MS: env.integer(0, 86_400_000, 60_000).describe("how long an idempotency key answers"),
  GATEWAY_EMBED_MAX_BATCH: env.integer(1, 100_000, 256).describe("texts per embedding micro-batch sent to a backend"),
  GATEWAY_EMBED_MAX_WAIT_MS: env.integer(0, 10_000, 5).describe("how long an `Embed` call waits for others to share its micro-batch while an embedding call is in flight (with none in flight it goes at once)"),
  GATEWAY_EMBED_MAX_TEXTS: env.integer(1, 100_000, 2_048).describe("texts one `Embed` call or `/v1/embeddings` request may carry"),
  GATEWAY_DEFAULT_PRIORITY: env.oneOf(["interactive", "standard", "batch"] as const, "standard").describe("class of facade requests that name none"),
  // Tenants (docs/components/inference-gateway.md, "Tenants: fair shares and budgets").
  GATEWAY_FAIRNESS: env.oneOf(["vtc", "off"] as const, "vtc").describe("fair queueing between tenants within each class (virtual token counter); `off`: one queue order for everyone"),
  GATEWAY_FAIR_HEADROOM_SEQS: env
    .integerOr(["auto"], 0, 100_000, "auto")
    .describe(
      "sequence slots per backend a tenant over its share leaves free while other tenants are active; `auto`: sized from the active others' arrivals against the requests ending, so one of theirs finds a free slot 99% of the time (none while a tenant is alone); 0: off",
    ),
  GATEWAY_FAIR_HEADROOM_WINDOW_MS: env
    .integer(0, 3_600_000, 2_000)
    .describe("how long after its last request a tenant still counts as active for the headroom; `auto` measures the rates over it"),
  GATEWAY_TENANTS: env.optional(env.string()).describe("tenants' weights and budgets as JSON (`{\"default\": {...}, \"tenants\": {...}}`); or `GATEWAY_TENANTS_FILE`"),
  GATEWAY_TENANTS_FILE: env.optional(env.string()).describe("a mounted file (a ConfigMap) with the tenants' JSON instead of `GATEWAY_TENANTS`"),
  GATEWAY_TENANT_API_KEYS: env
    .optional(env.string())
    .describe("`tenant:key,tenant:key` (from a Secret; keys of at least 16 characters, kept only as SHA-256 digests): a request with that key belongs to that tenant"),
  GATEWAY_TRUST_TENANT_HEADER: env.boolean(false).describe("take the tenant from the `x-tenant` metadata or header when no key names one"),
  GATEWAY_REDIS_URL: env.optional(env.url()).describe("the tenants' budgets shared by every gateway replica in this Redis; unset: each replica's own in-process table"),
  GATEWAY_BUDGET_REDIS_DOWN: env
    .oneOf(["refuse", "local"] as const, "refuse")
    .describe("while that Redis is unreachable: `refuse` budgeted requests (`UNAVAILABLE`, never an overshoot) or hold budgets in each replica's `local` table"),
  GATEWAY_BUDGET_REDIS_TIMEOUT_MS: env.integer(10, 60_000, 1_000).describe("a budget Redis command slower than this counts as Redis down"),
  GATEWAY_BUDGET_WINDOW_MS: env.integer(1_000, 86_400_000, 60_000).describe("the budgets' sliding window (`tokensPerMinute` scales to it)"),
  GATEWAY_BUDGET_LEASE_MS: env.integer(1_000, 86_400_000, 900_000).describe("an in-flight slot never settled (a replica that died) is freed after this"),
};

/** The gateway's variables renamed to carry its prefix: the former names are still read for one release, with a warning. */
export const gatewayFormerNames = { GATEWAY_BACKEND_URLS: "VLLM_URLS", GATEWAY_BACKEND_API_KEY: "VLLM_API_KEY" } as const;
