import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { openLanceDbVectorStore } from "./lancedb-vector-store.js";
import { describeVectorStoreContract } from "./vector-store-contract.js";

const directory = mkdtempSync(join(tmpdir(), "reviewlens-lance-"));
after(() => rmSync(directory, { recursive: true, force: true }));

describeVectorStoreContract("LanceDB", () => openLanceDbVectorStore(directory));
