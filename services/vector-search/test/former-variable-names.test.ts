// A deployment still setting vector-search's former variable names keeps working for one release,
// and the service says which names to set instead.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startServiceProcess } from "@reviewlens/testkit";

test("EMBEDDING_DIMENSION and UPLOAD_BATCH_SIZE are still read, each with a warning naming its new name; a new name wins", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vector-search-former-names-"));
  const service = await startServiceProcess({
    entry: "services/vector-search/src/main.ts",
    env: {
      DATA_DIR: dir,
      VECTOR_SEARCH_QUERY_EXPANSION: "false",
      EMBEDDING_DIMENSION: "64",
      UPLOAD_BATCH_SIZE: "10",
      VECTOR_SEARCH_UPLOAD_BATCH_REVIEWS: "20",
    },
  });
  try {
    const messages = service.logs.map((l) => String(l["msg"]));
    assert.ok(messages.some((m) => m.includes("(64 dimensions)")), messages.join("\n"));
    const warnings = service.logs.filter((l) => l["level"] === "warn").map((l) => String(l["msg"]));
    assert.ok(warnings.some((w) => w.includes("EMBEDDING_DIMENSION is a former name") && w.includes("VECTOR_SEARCH_EMBEDDING_DIMENSION")), warnings.join("\n"));
    assert.ok(warnings.some((w) => w.includes("UPLOAD_BATCH_SIZE") && w.includes("which is set and wins")), warnings.join("\n"));
  } finally {
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
