#!/usr/bin/env node
// Runs the CLI from its bundle (bin/build-cli.mjs), rebuilding it first when cli/ has
// changed. Where the bundle cannot be written (a read-only install), the TypeScript runs
// through tsx instead, pinned to the project's own tsconfig.json whatever the directory.
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildCliBundle, bundleFile, bundleIsFresh } from "./build-cli.mjs";

async function freshBundle() {
  if (bundleIsFresh()) return true;
  try {
    await buildCliBundle();
    return true;
  } catch (err) {
    // Said once per run on stderr: the slower start-up should not go unexplained.
    process.stderr.write(
      `llmlb: cannot rebuild dist/cli (${err?.message ?? err}); running the TypeScript through tsx\n`,
    );
    return false;
  }
}

if (await freshBundle()) {
  await import(pathToFileURL(bundleFile).href);
} else {
  process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL("../tsconfig.json", import.meta.url));
  // The project is not "type": "module", so tsx loads cli/*.ts as CommonJS: register both hooks.
  const { register: registerCjs } = await import("tsx/cjs/api");
  const { register: registerEsm } = await import("tsx/esm/api");
  registerCjs();
  registerEsm();
  await import(new URL("../cli/index.ts", import.meta.url).href);
}
