// The CLI runs as one esbuild bundle of cli/ (dist/cli/llmlb.mjs) rather than through
// tsx: plain JavaScript starts in about a quarter of the time and half the memory, which
// matters for `llmlb node run`, a long-lived process on every node. `npm ci` builds it
// (the `prepare` script runs this file); bin/llmlb.mjs rebuilds it whenever a file it was
// made from has changed since, so a checkout never runs stale code.
import { readFileSync, renameSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const bundleFile = path.join(root, "dist/cli/llmlb.mjs");
const inputsFile = path.join(root, "dist/cli/inputs.json");

/** True when the bundle exists and none of the files it was built from is newer. */
export function bundleIsFresh() {
  try {
    const builtAt = statSync(bundleFile).mtimeMs;
    const inputs = JSON.parse(readFileSync(inputsFile, "utf8"));
    return inputs.every((file) => statSync(path.join(root, file)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

/** Bundles cli/index.ts; node_modules stay external. Safe to run from several processes at once. */
export async function buildCliBundle() {
  const esbuild = await import("esbuild");
  // Stamped with the time the build started: a file saved during the build reads as newer.
  const startedAt = new Date();
  // stop(): esbuild's service process would otherwise live as long as the CLI (a node agent runs for days).
  const result = await esbuild
    .build({
      absWorkingDir: root,
      entryPoints: ["cli/index.ts"],
      bundle: true,
      platform: "node",
      target: "node20",
      format: "esm",
      packages: "external",
      tsconfig: "tsconfig.json",
      metafile: true,
      write: false,
      logLevel: "error",
    })
    .finally(() => esbuild.stop());
  await mkdir(path.dirname(bundleFile), { recursive: true });
  // Written beside and renamed, so a concurrent reader sees the old or the new file, whole.
  const publish = (file, contents) => {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, contents);
    utimesSync(tmp, startedAt, startedAt);
    renameSync(tmp, file);
  };
  const inputs = [...new Set([...Object.keys(result.metafile.inputs), "tsconfig.json", "package.json"])];
  publish(inputsFile, JSON.stringify(inputs));
  publish(bundleFile, result.outputFiles[0].contents);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildCliBundle();
}
