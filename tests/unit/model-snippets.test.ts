// The model page's copy-ready commands, pasted into a real bash: a repository's author
// chooses file names, so a name like `tiny-$(touch …).gguf` must reach the command as one
// argument and run nothing. `curl` and `llmlb` are stubs on PATH that record what they got.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ModelSnippets } from "@/components/models/model-snippets";

const dir = mkdtempSync(path.join(tmpdir(), "llmlb-snippets-"));
const bin = path.join(dir, "bin");
const work = path.join(dir, "work");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
});

// Each stub writes its name, LLMLB_URL and its arguments, NUL-separated, to $STUB_OUT.
mkdirSync(bin);
for (const command of ["curl", "npx"]) {
  const stub = path.join(bin, command);
  writeFileSync(stub, `#!/bin/sh\nprintf '%s\\0' "${command}" "LLMLB_URL=$LLMLB_URL" "$@" > "$STUB_OUT"\n`);
  chmodSync(stub, 0o755);
}

/** The text of every command block the component renders, as a person copies it. */
function shownSnippets(name: string, origin: string): string[] {
  const html = renderToStaticMarkup(createElement(ModelSnippets, { name, origin }));
  return [...html.matchAll(/<code data-testid="snippet">([\s\S]*?)<\/code>/g)].map(([, text]) => decodeHtml(text));
}

function decodeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot);/gi, (_, entity: string) => {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"' };
    if (entity in named) return named[entity];
    return String.fromCodePoint(
      entity[1] === "x" ? Number.parseInt(entity.slice(2), 16) : Number.parseInt(entity.slice(1), 10),
    );
  });
}

/** Runs one snippet in bash, as if pasted; what the stubbed command received, or bash's complaint. */
function runInBash(snippet: string): string[] | string {
  const out = path.join(dir, "stub-out");
  rmSync(out, { force: true });
  const run = spawnSync("bash", ["--norc", "--noprofile", "-c", snippet], {
    stdio: ["ignore", "pipe", "pipe"],
    cwd: work,
    env: { NODE_ENV: "test", PATH: `${bin}:/usr/bin:/bin`, STUB_OUT: out, LLMLB_API_KEY: "llmlb_test-key" },
    encoding: "utf8",
  });
  return existsSync(out) ? readFileSync(out, "utf8").split("\0").slice(0, -1) : run.stderr;
}

const encodePath = (name: string) => name.split("/").map(encodeURIComponent).join("/");

describe("model page snippets in a shell", () => {
  it.each([
    ["a command substitution", "hf/evil/shell/tiny-$(touch PWNED_BY_SNIPPET)-Q4_K_M.gguf", "http://localhost:3000"],
    ["backticks, quotes, ';', '&' and spaces", 'hf/evil/shell/it\'s `touch PWNED`; "$HOME" a&b|c.gguf', "http://h:1"],
    ["a hostile origin (the Host header)", "hf/acme/tiny-llama-GGUF", "http://x$(touch PWNED_ORIGIN);y"],
  ])("passes a name with %s as one argument and runs nothing", (_label, name, origin) => {
    const [ready, manifest, cli] = shownSnippets(name, origin).map(runInBash);
    // Nothing but the stub ran: no file appeared where the snippets were pasted.
    expect(readdirSync(work)).toEqual([]);
    expect(ready).toEqual([
      "curl",
      "LLMLB_URL=",
      "-s",
      "-H",
      "Authorization: Bearer llmlb_test-key",
      `${origin}/v1/models/${encodePath(name)}`,
    ]);
    expect(manifest).toEqual([
      "curl",
      "LLMLB_URL=",
      "-s",
      "-H",
      "Authorization: Bearer llmlb_test-key",
      `${origin}/api/models/registry/${encodePath(name)}/manifest.json`,
    ]);
    expect(cli).toEqual(["npx", `LLMLB_URL=${origin}`, "llmlb", "model", "show", name]);
  });

  it("leaves an ordinary name unquoted, as a person would type it", () => {
    expect(shownSnippets("hf/acme/tiny-llama-GGUF/tiny-llama.Q4_K_M.gguf", "http://localhost:3000")[2]).toBe(
      "LLMLB_URL=http://localhost:3000 npx llmlb model show hf/acme/tiny-llama-GGUF/tiny-llama.Q4_K_M.gguf",
    );
  });
});
