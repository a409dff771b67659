// The layers, checked from the source text: lib/db is the ground floor and imports nothing
// above it; app/ and components/ reach the database only through the domain (lib/registry,
// lib/nodes, lib/auth, lib/users); the CLI and the agent share only the wire schemas with
// the server; the agent's rooms depend one way; and no import circle exists, type-only
// imports included.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const importPattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((entry) => {
    const rel = path.join(dir, entry);
    if (statSync(path.join(root, rel)).isDirectory()) return sourceFiles(rel);
    return /\.tsx?$/.test(entry) ? [rel] : [];
  });
}

/** The repository files `file` imports (packages and Node built-ins left out). */
function localImports(file: string): string[] {
  const text = readFileSync(path.join(root, file), "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(importPattern)) {
    const spec = match[1] ?? match[2];
    if (spec.startsWith("@/")) found.push(resolve(spec.slice(2)));
    else if (spec.startsWith(".")) found.push(resolve(path.join(path.dirname(file), spec)));
  }
  return found;
}

function resolve(target: string): string {
  for (const candidate of [target, `${target}.ts`, `${target}.tsx`, path.join(target, "index.ts")]) {
    try {
      if (statSync(path.join(root, candidate)).isFile()) return path.normalize(candidate);
    } catch {
      // Not this spelling; try the next.
    }
  }
  return path.normalize(target);
}

const serverFiles = ["lib", "app", "components", "cli"].flatMap(sourceFiles);
const graph = new Map(serverFiles.map((file) => [file, localImports(file)]));
const importsOf = (prefix: string) =>
  [...graph].filter(([file]) => file.startsWith(prefix)).flatMap(([file, targets]) => targets.map((t) => [file, t]));

describe("layers", () => {
  it("lib/db imports nothing outside lib/db", () => {
    const upward = [...graph]
      .filter(([file]) => file.startsWith("lib/db/"))
      .flatMap(([file, targets]) => targets.filter((t) => !t.startsWith("lib/db/")).map((t) => `${file} → ${t}`));
    expect(upward).toEqual([]);
  });

  it("app/ and components/ reach the database only through lib's domain folders", () => {
    // Telling an outage from a bug, and the health check, are about the database itself.
    const allowed = new Set(["lib/db/errors.ts", "lib/db/health.ts"]);
    const direct = [...graph]
      .filter(([file]) => file.startsWith("app/") || file.startsWith("components/"))
      .flatMap(([file, targets]) =>
        targets.filter((t) => t.startsWith("lib/db/") && !allowed.has(t)).map((t) => `${file} → ${t}`),
      );
    expect(direct).toEqual([]);
  });

  it("the CLI and the agent use the public API only: nothing of the server's database, domain or pages", () => {
    // What they share with the server: the wire schemas and bounds, and display helpers.
    const shared = (t: string) => t.startsWith("lib/api/") || t.startsWith("lib/format/") || t.startsWith("cli/");
    const reaching = importsOf("cli/")
      .filter(([, t]) => !shared(t) && t !== "package.json")
      .map(([f, t]) => `${f} → ${t}`);
    expect(reaching).toEqual([]);
  });

  it("the agent's rooms depend one way: loop/ → download/ → cache/ → output/", () => {
    const rooms = ["loop", "download", "cache", "output"];
    const roomOf = (file: string) => rooms.indexOf(file.split("/")[2] ?? "");
    const backward = importsOf("cli/agent/")
      .filter(([f, t]) => t.startsWith("cli/agent/") && roomOf(f) >= 0 && roomOf(t) >= 0 && roomOf(t) < roomOf(f))
      .map(([f, t]) => `${f} → ${t}`);
    expect(backward).toEqual([]);
  });

  it("no import circle among lib/, app/, components/ and cli/", () => {
    const circles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        circles.push([...trail.slice(trail.indexOf(file)), file].join(" → "));
        return;
      }
      state.set(file, "open");
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file, []);
    expect(circles).toEqual([]);
  });
});
