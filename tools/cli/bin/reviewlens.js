#!/usr/bin/env node
// The reviewlens CLI: TypeScript sources run through tsx, like every program in this repository.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv);
