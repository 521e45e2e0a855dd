// Every program's configuration schema, in the order docs/configuration.md lists them. A program
// that reads a variable outside its schema is a bug in this list: add the variable to the schema.
import { CLI_CONNECTION_FLAGS, cliConnectionSchema } from "@reviewlens/cli/config";
import { demoSchema } from "@reviewlens/demo/config";
import { gatewayPorts, gatewaySchema } from "@reviewlens/inference-gateway/config";
import { commonSchema, type ServicePorts } from "@reviewlens/runtime";
import { SCHEDULER_FLAGS, schedulerSchema } from "@reviewlens/scheduler/config";
import { sentimentPorts, sentimentSchema } from "@reviewlens/sentiment/config";
import { summarizationPorts, summarizationSchema } from "@reviewlens/summarization/config";
import { vectorSearchPorts, vectorSearchSchema } from "@reviewlens/vector-search/config";
import { simFlagOf, simSchema } from "@reviewlens/vllm-sim/config";
import { schema as watchdogSchema, watchdogFlagOf } from "@reviewlens/watchdog/config";
import type { ConfigComponent } from "./config-table.js";

/** What runService reads for a gRPC service: the shared settings, then the service's own. */
const grpcService = (name: string, ports: ServicePorts, schema: ConfigComponent["schema"]): ConfigComponent => ({
  name,
  schema: { ...commonSchema(ports), ...schema },
});

export const GRPC_SERVICES = ["inference-gateway", "vector-search", "sentiment", "summarization"];

export const configComponents: ConfigComponent[] = [
  grpcService("inference-gateway", gatewayPorts, gatewaySchema),
  grpcService("vector-search", vectorSearchPorts, vectorSearchSchema),
  grpcService("sentiment", sentimentPorts, sentimentSchema),
  grpcService("summarization", summarizationPorts, summarizationSchema),
  { name: "scheduler", schema: schedulerSchema, flagOf: (v) => (SCHEDULER_FLAGS as Record<string, string | undefined>)[v] },
  { name: "vllm-sim", schema: simSchema, flagOf: simFlagOf },
  { name: "watchdog", schema: watchdogSchema, flagOf: watchdogFlagOf },
  { name: "cli", schema: cliConnectionSchema, flagOf: (v) => (CLI_CONNECTION_FLAGS as Record<string, string | undefined>)[v] },
  { name: "demo", schema: demoSchema },
];

/** Rows read by exactly these components say so in a word. */
export const COMPONENT_GROUPS: Record<string, string[]> = {
  "every gRPC service": GRPC_SERVICES,
  "analysis services": ["sentiment", "summarization"],
};
