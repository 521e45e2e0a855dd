import { createMemoryLock } from "../src/index.js";
import { lockContract } from "./lock-contract.js";

lockContract("in-process lock table", () => createMemoryLock());
