#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, from any working directory. tsx otherwise looks
// for tsconfig.json in the current directory; pin it to the project's own.
import { fileURLToPath } from "node:url";

process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL("../tsconfig.json", import.meta.url));
// The project is not "type": "module", so tsx loads cli/*.ts as CommonJS: register both hooks.
const { register: registerCjs } = await import("tsx/cjs/api");
const { register: registerEsm } = await import("tsx/esm/api");
registerCjs();
registerEsm();
await import(new URL("../cli/index.ts", import.meta.url).href);
