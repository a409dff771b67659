// The CLI runs as one esbuild bundle of cli/ (dist/cli/llmlb.mjs) rather than through
// tsx: plain JavaScript starts in about a quarter of the time and half the memory, which
// matters for `llmlb node run`, a long-lived process on every node. `npm ci` builds it
// (the `prepare` script runs this file); bin/llmlb.mjs rebuilds it whenever a file it was
// made from is not exactly as it was then, so a checkout never runs stale code.
import { openSync, readdirSync, readSync, realpathSync, renameSync, statSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const bundleFile = path.join(root, "dist/cli/llmlb.mjs");
// The bundle's first line lists its inputs with their size and mtime: one file, so a
// concurrent build can never pair one build's list with another's code.
const marker = "// llmlb-cli-inputs ";

/** size:mtime of each file; a copy that keeps old timestamps (rsync -a, tar) still differs. */
function fingerprint(files) {
  return Object.fromEntries(
    files.map((file) => {
      const st = statSync(path.join(root, file));
      return [file, `${st.size}:${st.mtimeMs}`];
    }),
  );
}

/** Every file the bundle can be made from, relative to the project root. */
function candidateFiles() {
  const files = ["tsconfig.json", "package.json"];
  for (const dir of ["cli", "lib"]) {
    for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.push(path.relative(root, path.join(entry.parentPath ?? entry.path, entry.name)));
    }
  }
  return files;
}

function recordedInputs() {
  const fd = openSync(bundleFile, "r");
  const head = Buffer.alloc(64 * 1024);
  const n = readSync(fd, head, 0, head.length, 0);
  const line = head.subarray(0, n).toString("utf8").split("\n", 1)[0];
  if (!line.startsWith(marker)) return null;
  return JSON.parse(line.slice(marker.length));
}

/** True when the bundle exists and every file it was built from is as it was then. */
export function bundleIsFresh() {
  try {
    const recorded = recordedInputs();
    if (!recorded) return false;
    const now = fingerprint(Object.keys(recorded));
    return Object.entries(recorded).every(([file, stamp]) => now[file] === stamp);
  } catch {
    return false; // no bundle yet, or an input is gone
  }
}

/** Bundles cli/index.ts; node_modules stay external. Safe to run from several processes at once. */
export async function buildCliBundle() {
  const esbuild = await import("esbuild");
  const options = {
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
  };
  // Stamped before the build: a file saved during it differs from its stamp next time.
  const before = fingerprint(candidateFiles());
  // stop(): esbuild's service process would otherwise live as long as the CLI (a node agent runs for days).
  const result = await esbuild.build(options).finally(() => esbuild.stop());
  const inputs = [...new Set([...Object.keys(result.metafile.inputs), "tsconfig.json", "package.json"])];
  const stamps = Object.fromEntries(inputs.map((file) => [file, before[file] ?? "unknown"]));
  const header = `${marker}${JSON.stringify(stamps)}\n`;
  await mkdir(path.dirname(bundleFile), { recursive: true });
  // Written beside and renamed, so a concurrent reader sees the old or the new file, whole.
  const tmp = `${bundleFile}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([Buffer.from(header), result.outputFiles[0].contents]));
  renameSync(tmp, bundleFile);
}

const invokedAs = process.argv[1] ? realpathSync(process.argv[1]) : null;
if (invokedAs === fileURLToPath(import.meta.url)) await buildCliBundle();
