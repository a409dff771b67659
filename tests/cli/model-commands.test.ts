// `llmlb model add|list|show|rm` as real processes against the real route handlers
// (over HTTP) and the fake hub: tables and --json, every exit code, and the errors a
// person meets first (wrong URL, bad key, unknown model). No node runs here; see
// wait-ready.test.ts for a syncing agent.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelDetailSchema, registerResponseSchema, v1ListSchema, v1ModelSchema } from "@/lib/api/model-schemas";
import { type FakeHub, startFakeHub } from "../fake-hub";
import { type LlmlbTestServer, startLlmlbServer } from "../helpers/llmlb-server";
import { type CliResult, runCli, runCliInTty } from "./run-cli";

let hub: FakeHub;
let server: LlmlbTestServer;
let admin: Record<string, string>;
let reader: Record<string, string>;

beforeAll(async () => {
  hub = await startFakeHub();
  server = await startLlmlbServer(hub.url);
  admin = { LLMLB_URL: server.url, LLMLB_API_KEY: server.adminKey };
  reader = { LLMLB_URL: server.url, LLMLB_API_KEY: await server.createKey("reader") };
});
afterAll(async () => {
  await server.close();
  await hub.close();
});

const llmlb = (args: string[], env: Record<string, string | undefined> = admin) => runCli(args, env);

/** Exit code, and for failures one `error:` line on stderr and no stack trace. */
function expectExit(r: CliResult, code: number, message?: RegExp | string) {
  expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  if (message) {
    expect(r.stderr).toMatch(/^error: /m);
    if (typeof message === "string") expect(r.stderr).toContain(message);
    else expect(r.stderr).toMatch(message);
  }
}

/** Every row's cell in these (left-aligned) columns starts under its header. */
function expectAligned(table: string, headers: string[]) {
  const [head, ...rows] = table.split("\n");
  for (const h of headers) {
    const at = head?.indexOf(h) ?? -1;
    expect(at, `${h} in ${head}`).toBeGreaterThanOrEqual(0);
    for (const row of rows) expect(row[at - 1] ?? " ", `${h} column in "${row}"`).toBe(" ");
  }
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

describe("llmlb --help", () => {
  it("documents the environment and the exit codes, and every command has examples", async () => {
    const root = await llmlb(["--help"], {});
    expectExit(root, 0);
    expect(root.stdout).toContain("LLMLB_URL");
    expect(root.stdout).toContain("LLMLB_API_KEY");
    for (const line of [
      "0  success",
      "1  usage",
      "2  not found",
      "3  conflict",
      "4  Hugging Face",
      "5  timeout",
      "6  auth",
    ])
      expect(root.stdout).toContain(line);
    expect(root.stdout).toMatch(/cannot be reached/);
    const helps = await Promise.all(
      [
        ["model"],
        ["model", "add"],
        ["model", "list"],
        ["model", "show"],
        ["model", "rm"],
        ["model", "check"],
        ["model", "diff"],
        ["model", "history"],
        ["model", "follow"],
        ["model", "update"],
        ["model", "rollout"],
        ["model", "promote"],
        ["model", "rollback"],
        ["model", "cancel"],
      ].map((c) => llmlb([...c, "--help"], {})),
    );
    for (const h of helps) {
      expectExit(h, 0);
      expect(h.stdout).toContain("Examples:");
      expect(h.stdout).toContain("$ llmlb model");
    }
    const [, add] = helps;
    for (const flag of ["--file", "--display-name", "--wait-ready", "--timeout", "--json", "--url", "--api-key"])
      expect(add?.stdout).toContain(flag);
    expect(add?.stdout).toMatch(/422/);
    expect(helps[4]?.stdout).toContain("--yes");
  });
});

describe("llmlb model (table and JSON)", () => {
  it("adds a repository and prints what was registered", async () => {
    const r = await llmlb(["model", "add", "acme/tiny-llama-GGUF"]);
    expectExit(r, 0);
    expect(r.stdout).toContain("Registered hf/acme/tiny-llama-GGUF");
    expect(r.stdout).toMatch(/commit\s+[0-9a-f]{7} \(main\)\n/);
    expect(r.stdout).toMatch(/size\s+1\.8 MB/);
    const table = r.stdout.slice(r.stdout.indexOf("VARIANT")).split("\n\n")[0] ?? "";
    expectAligned(table, ["VARIANT", "FORMAT", "COMPLETE"]);
    expect(table).toMatch(/gguf:Q4_K_M\s+gguf\s+300\.0 KB\s+1\s+yes/);
    expect(r.stdout).toContain("llmlb model show hf/acme/tiny-llama-GGUF");
  });

  it("adds one file with --file and --display-name, --json printing the API's answer", async () => {
    const r = await llmlb([
      "model",
      "add",
      "https://huggingface.co/acme/tiny-llama-GGUF",
      "--file",
      "tiny-llama.Q8_0.gguf",
      "--display-name",
      "Tiny Q8",
      "--json",
    ]);
    expectExit(r, 0);
    const body = registerResponseSchema.parse(JSON.parse(r.stdout));
    expect(body).toMatchObject({ name: "hf/acme/tiny-llama-GGUF/tiny-llama.Q8_0.gguf", status: "registered" });
    expect(body.model).toMatchObject({ display_name: "Tiny Q8", filename: "tiny-llama.Q8_0.gguf" });
    expect(body.model.variants.map((v) => v.name)).toEqual(["gguf:Q8_0"]);
    expect(r.stderr).toBe("");
  });

  it("prints warnings on stderr", async () => {
    const r = await llmlb(["model", "add", "acme/big-model-GGUF"]);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/gguf:IQ2_XS\s+gguf\s+100\.0 KB\s+1\s+no, missing/);
    expect(r.stderr).toMatch(/^warning: .*IQ2_XS/m);
  });

  it("lists models in an aligned table and as /v1/models JSON", async () => {
    const table = await llmlb(["model", "list"], reader);
    expectExit(table, 0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+READY\s+SYNC\s+NODES\s+SIZE\s+FORMATS\s+COMMIT$/);
    expect(lines).toHaveLength(4);
    expectAligned(table.stdout.trimEnd(), ["READY", "SYNC", "FORMATS", "COMMIT"]);
    expect(lines[1]).toMatch(/^hf\/acme\/tiny-llama-GGUF\s+no\s+registered\s+0\/0\s+1\.8 MB\s+gguf\s+[0-9a-f]{7}$/);

    const json = await llmlb(["model", "ls", "--json"], reader);
    expectExit(json, 0);
    const body = v1ListSchema.parse(JSON.parse(json.stdout));
    expect(body.data.map((m) => m.id)).toEqual([
      "hf/acme/tiny-llama-GGUF",
      "hf/acme/tiny-llama-GGUF/tiny-llama.Q8_0.gguf",
      "hf/acme/big-model-GGUF",
    ]);
    expect(body.data[0]).toMatchObject({ object: "model", ready: false, sync: { state: "registered" } });
  });

  it("shows the manifest and node states, with or without the hf/ prefix", async () => {
    const [full, short] = await Promise.all([
      llmlb(["model", "show", "hf/acme/tiny-llama-GGUF"], reader),
      llmlb(["model", "show", "acme/tiny-llama-GGUF"], reader),
    ]);
    expectExit(full, 0);
    expect(short.stdout).toBe(full.stdout);
    const out = full.stdout;
    expect(out.split("\n")[0]).toBe("hf/acme/tiny-llama-GGUF");
    expect(out).toMatch(/commit\s+[0-9a-f]{40}\n/);
    expect(out).toMatch(/ready\s+no: 0 of 0 nodes \(sync registered\)/);
    expect(out).toContain(`manifest      ${server.url}/api/models/registry/hf/acme/tiny-llama-GGUF/manifest.json`);
    expect(out).toMatch(/Variants\n\s+VARIANT\s+FORMAT\s+QUANT\s+SIZE\s+FILES\s+COMPLETE\n/);
    expect(out).toMatch(/gguf:F16\s+gguf\s+F16\s+900\.0 KB\s+1\s+yes/);
    expect(out).toMatch(/mmproj-tiny-llama-f16\.gguf\s+-\s+aux\s+120\.0 KB\s+[0-9a-f]{12}…/);
    expect(out).toContain("No node reports this model and none is online");

    const json = await llmlb(["model", "show", "acme/tiny-llama-GGUF", "--json"], reader);
    expectExit(json, 0);
    const body = JSON.parse(json.stdout);
    expect(Object.keys(body)).toEqual(["model", "v1", "nodes", "fit"]);
    expect(modelDetailSchema.parse(body.model).artifacts).toHaveLength(4);
    expect(v1ModelSchema.parse(body.v1).sync).toEqual({ state: "registered", ready_nodes: 0, nodes: 0 });
    expect(body.nodes).toEqual([]);
  });

  it("removes with --yes, refuses without it when there is no terminal", async () => {
    const refused = await llmlb(["model", "rm", "hf/acme/big-model-GGUF"]);
    expectExit(refused, 1, "pass --yes");
    expectExit(await llmlb(["model", "show", "hf/acme/big-model-GGUF"]), 0);

    const removed = await llmlb(["model", "rm", "acme/big-model-GGUF", "--yes"]);
    expectExit(removed, 0);
    expect(removed.stdout).toContain("Deleted hf/acme/big-model-GGUF");
    expectExit(await llmlb(["model", "show", "hf/acme/big-model-GGUF"]), 2);
  });

  // util-linux `script` (Debian bsdutils, always installed) gives the CLI a real terminal.
  it("asks for confirmation on a terminal", async () => {
    await llmlb(["model", "add", "acme/tiny-onnx"]);
    const prompt = "[y/N]";
    const no = await runCliInTty(["model", "rm", "hf/acme/tiny-onnx"], admin, { prompt, answer: "n\r" });
    expect(no.stdout).toContain("Delete hf/acme/tiny-onnx (381.4 KB, ready on 0 nodes)?");
    expect(no.code).toBe(1);
    expect(no.stdout).toContain("not deleted");
    const yes = await runCliInTty(["model", "rm", "hf/acme/tiny-onnx"], admin, { prompt, answer: "y\r" });
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain("Deleted hf/acme/tiny-onnx");
  });
});

describe("llmlb model exit codes and errors", () => {
  it("1: usage errors and input the server cannot read", async () => {
    const results = await Promise.all([
      llmlb(["model", "list", "--frobnicate"]),
      llmlb(["model", "add"]),
      llmlb(["model", "add", "acme/x", "--wait-ready", "--timeout", "soon"]),
      llmlb(["model", "add", "acme/x", "--timeout", "5m"]),
      llmlb(["model", "add", "https://example.com/acme/x"]),
      llmlb(["model", "list"], { LLMLB_URL: "ftp://x", LLMLB_API_KEY: "k" }),
    ]);
    const [unknown, missing, timeout, timeoutAlone, badInput, badUrl] = results;
    expectExit(unknown as CliResult, 1, "unknown option '--frobnicate'");
    expectExit(missing as CliResult, 1, "missing required argument");
    expectExit(timeout as CliResult, 1, "--timeout must be a duration like 30s, 5m, 1h");
    expectExit(timeoutAlone as CliResult, 1, "--timeout only applies with --wait-ready");
    expectExit(badInput as CliResult, 1, /"example\.com" is not a Hugging Face host/);
    expectExit(badUrl as CliResult, 1, "LLMLB_URL must be http(s)");
  });

  it("2: an unknown model, with the server's message", async () => {
    const [show, rm] = await Promise.all([
      llmlb(["model", "show", "acme/nope"]),
      llmlb(["model", "rm", "hf/acme/nope", "--yes"]),
    ]);
    expectExit(show as CliResult, 2, "hf/acme/nope");
    expect(show?.stderr.trim().split("\n")).toHaveLength(1);
    expectExit(rm as CliResult, 2, "hf/acme/nope");
  });

  it("3: already registered", async () => {
    const r = await llmlb(["model", "add", "acme/tiny-llama-GGUF"]);
    expectExit(r, 3, "error: hf/acme/tiny-llama-GGUF is already registered");
  });

  it("4: Hugging Face could not provide it (424), or no complete variant (422)", async () => {
    const [missing, revision, noWeights] = await Promise.all([
      llmlb(["model", "add", "acme/does-not-exist"]),
      llmlb(["model", "add", "https://huggingface.co/acme/tiny-safetensors/tree/v9"]),
      llmlb(["model", "add", "acme/no-weights", "--json"]),
    ]);
    expectExit(missing as CliResult, 4, "not found, or private: set HF_TOKEN");
    expectExit(revision as CliResult, 4);
    expectExit(noWeights as CliResult, 4, /no complete model variant/i);
    expect(noWeights?.stdout).toBe("");
  });

  it("5: --wait-ready gives up at --timeout; the model stays registered", async () => {
    const started = Date.now();
    const r = await llmlb(["model", "add", "acme/tiny-safetensors", "--wait-ready", "--timeout", "2s"]);
    expectExit(r, 5, "timed out after 2s: hf/acme/tiny-safetensors is registered but not ready yet");
    expect(r.stderr).toContain("no node is online (start one with: llmlb node run)");
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.stdout).toContain("Registered hf/acme/tiny-safetensors");
    expectExit(await llmlb(["model", "show", "hf/acme/tiny-safetensors"]), 0);
  });

  it("6: no key, a bad key, a key without the scope", async () => {
    const [none, bad, scope] = await Promise.all([
      llmlb(["model", "list"], { LLMLB_URL: server.url }),
      llmlb(["model", "list"], { LLMLB_URL: server.url, LLMLB_API_KEY: "llmlb_not_a_real_key" }),
      llmlb(["model", "add", "acme/tiny-metal"], reader),
    ]);
    expectExit(none as CliResult, 6, "LLMLB_API_KEY is not set");
    expectExit(bad as CliResult, 6, "error: The API key is not valid");
    expect(`${bad?.stdout}${bad?.stderr}`).not.toContain("llmlb_not_a_real_key");
    expectExit(scope as CliResult, 6, "This needs an admin key; yours is a reader key.");
  });

  it("flags override the environment", async () => {
    const r = await llmlb(["model", "list", "--url", server.url, "--api-key", server.adminKey], {
      LLMLB_URL: "http://127.0.0.1:9",
      LLMLB_API_KEY: "llmlb_wrong",
    });
    expectExit(r, 0);
    expect(r.stdout).toMatch(/^NAME/);
  });

  it("a wrong URL: nothing listening, or not an llmlb server", async () => {
    const port = await freePort();
    const [refused, other] = await Promise.all([
      llmlb(["model", "list"], { LLMLB_URL: `http://127.0.0.1:${port}`, LLMLB_API_KEY: "k" }),
      llmlb(["model", "list", "--json"], { LLMLB_URL: hub.url, LLMLB_API_KEY: "k" }),
    ]);
    expectExit(refused as CliResult, 1, `error: cannot reach llmlb at http://127.0.0.1:${port}: connect ECONNREFUSED`);
    expectExit(other as CliResult, 1, `is ${hub.url} an llmlb server?`);
    expect(other?.stdout).toBe("");
  });
});

describe("llmlb model check|diff|history|follow", () => {
  it("follows upstream: checks, shows the diff and the history, sets the policy", async () => {
    const repo = "acme/mixed-formats";
    const name = `hf/${repo}`;
    const added = await llmlb(["model", "add", repo, "--follow", "off", "--json"]);
    expectExit(added, 0);
    expect(JSON.parse(added.stdout).model.follow).toBe("off");
    expectExit(
      await llmlb(["model", "add", "acme/x", "--follow", "sometimes"]),
      1,
      "--follow must be manual, auto or off",
    );
    const show = await llmlb(["model", "show", name]);
    expect(show.stdout).toMatch(/follows\s+main, not checked \(follow off\)/);

    expectExit(await llmlb(["model", "check", repo]), 3, "follow is off");
    const follow = await llmlb(["model", "follow", repo, "manual"]);
    expectExit(follow, 0);
    expect(follow.stdout).toContain("follows main (not checked yet)");
    expectExit(await llmlb(["model", "follow", repo, "sometimes"]), 1, "must be manual, auto or off");

    const same = await llmlb(["model", "check", repo]);
    expectExit(same, 0);
    expect(same.stdout).toContain("main: up to date");

    const head = hub.push(repo, {
      write: [
        { path: "mixed.Q4_K_M.gguf", kind: "binary", size: 210000, lfs: true, seed: "requantized" },
        { path: "tokenizer.json", kind: "text", content: '{"version":"2"}' },
      ],
    });
    const moved = await llmlb(["model", "check", repo]);
    expectExit(moved, 0);
    expect(moved.stdout).toContain(`update available, ${head.slice(0, 7)}`);
    const lines = moved.stdout.split("\n");
    const top = lines.findIndex((l) => /^\s+FILE\s+CHANGE/.test(l));
    const files = lines.slice(top, lines.indexOf("", top)).join("\n");
    expectAligned(files, ["FILE", "CHANGE", "VARIANT"]);
    expect(files).toMatch(/mixed\.Q4_K_M\.gguf\s+changed\s+gguf:Q4_K_M\s+200\.0 KB → 210\.0 KB/);
    expect(files).toMatch(/tokenizer\.json\s+changed\s+safetensors/);

    // Any key reads the diff and the history.
    const diff = await llmlb(["model", "diff", repo], reader);
    expectExit(diff, 0);
    expect(diff.stdout).toContain(`${name}: update available`);
    expect(diff.stdout).toMatch(/gguf:Q4_K_M\s+changed\s+210\.0 KB/);
    const json = await llmlb(["model", "diff", repo, "--json"], reader);
    expect(JSON.parse(json.stdout)).toMatchObject({ to: head, counts: { changed: 2, added: 0, removed: 0 } });
    const history = await llmlb(["model", "history", repo], reader);
    expectExit(history, 0);
    const rows = history.stdout.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^WHEN\s+WHAT\s+WHO\s+COMMIT\s+DETAIL$/);
    expect(rows[1]).toMatch(new RegExp(`upstream moved\\s+LLMLB_ADMIN_KEY\\s+\\w{7} → ${head.slice(0, 7)}`));
    expect(rows[2]).toMatch(/follow changed\s+LLMLB_ADMIN_KEY\s+-\s+off → manual/);
    expect(rows[3]).toMatch(/registered\s+LLMLB_ADMIN_KEY/);
  });

  it("exits 6 for a reader's check, 3 for a commit registration, 4 when the Hub is down, 2 for an unknown model", async () => {
    expectExit(await llmlb(["model", "check", "hf/acme/tiny-llama-GGUF"], reader), 6);
    const commit = hub.getFile("acme/unicode-gguf", "模型-Q4_K_M.gguf")?.commit ?? "";
    expectExit(await llmlb(["model", "add", `https://huggingface.co/acme/unicode-gguf/tree/${commit}`]), 0);
    expectExit(await llmlb(["model", "check", "acme/unicode-gguf"]), 3, "never changes");
    expectExit(await llmlb(["model", "diff", "acme/unicode-gguf"]), 0);
    hub.setOutage("down");
    try {
      expectExit(await llmlb(["model", "check", "acme/mixed-formats"]), 4, "Hugging Face");
    } finally {
      hub.setOutage(null);
    }
    expectExit(await llmlb(["model", "check", "acme/nope"]), 2);
  });
});

describe("llmlb model update|rollout|promote|rollback|cancel", () => {
  /** A node speaking the node API, reporting the states it is given (one entry per commit). */
  async function announceNode(name: string) {
    const key = await server.createKey("node");
    const call = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.ok, `${method} ${path} → ${res.status}`).toBe(true);
      return res.json();
    };
    const { id } = await call("POST", "/api/nodes", {
      name,
      runtimes: ["llama.cpp"],
      formats: ["gguf"],
      gpus: [],
      memory_bytes: 64e9,
      free_disk_bytes: 512e9,
      agent_version: "0.1.0",
    });
    return (models: { name: string; commit: string; state: string; variant?: string }[]) =>
      call("PUT", `/api/nodes/${id}/sync`, { free_disk_bytes: 480e9, models });
  }

  it("stages an update, shows each node's progress, refuses an early promotion, promotes, rolls back, cancels", async () => {
    const repo = "acme/sixty-quants-GGUF";
    const name = `hf/${repo}`;
    const added = await llmlb(["model", "add", repo, "--follow", "auto", "--json"]);
    expectExit(added, 0);
    expect(JSON.parse(added.stdout).model.follow).toBe("auto");
    const following = await llmlb(["model", "follow", repo, "auto", "--json"]);
    expectExit(following, 0);
    expect(JSON.parse(following.stdout)).toMatchObject({ name, follow: "auto" });
    expect((await llmlb(["model", "follow", repo, "AUTO"])).stdout).toContain(`${name} (`);
    expectExit(await llmlb(["model", "follow", repo, "manual"]), 0);
    const old: string = JSON.parse(added.stdout).model.commit;
    const variant: string = JSON.parse(added.stdout).model.variants[0].name;
    const report = await announceNode("cli-rollout-node");
    await report([{ name, commit: old, state: "ready", variant }]);

    expectExit(await llmlb(["model", "update", repo]), 3, "already serves");
    expectExit(await llmlb(["model", "update", repo, "--commit", "abc"]), 1, "--commit must be a 40-hex-digit commit");
    const nothing = await llmlb(["model", "promote", repo]);
    expectExit(nothing, 3, "no staged update to promote");
    expect(nothing.stderr).not.toContain("--force");
    expectExit(await llmlb(["model", "update", repo], reader), 6);

    const head = hub.push(repo, { write: [{ path: "README.md", kind: "text", content: "# moved\n" }] });
    const staged = await llmlb(["model", "update", repo]);
    expectExit(staged, 0);
    expect(staged.stdout).toContain(`${name}: staged ${head.slice(0, 7)}`);
    expect(staged.stdout).toContain(`${old.slice(0, 7)} keeps serving`);
    expect(staged.stdout).toContain(`llmlb model rollout ${name}`);

    // Any key reads the progress; the node serves the old commit and lacks the new one.
    const waiting = await llmlb(["model", "rollout", repo], reader);
    expectExit(waiting, 0);
    expect(waiting.stdout).toContain(`${head.slice(0, 7)} ready on 0 of 1 serving node; a promotion waits for 1 node`);
    expect(waiting.stdout).toMatch(/cli-rollout-node\s+ready\s+not started\s+yes/);
    const early = await llmlb(["model", "promote", repo]);
    expectExit(early, 3, `${head.slice(0, 7)} is not ready on 1 of 1 nodes serving ${name} (cli-rollout-node)`);
    expect(early.stderr).toContain(`see each node: llmlb model rollout ${name}`);
    expect(early.stderr).toContain(`promote anyway: llmlb model promote ${name} --force`);

    // --watch asks again until the node has it, then ends (exit 0) with the promotable view.
    const watching = llmlb(["model", "rollout", repo, "--watch"], reader);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await report([
      { name, commit: old, state: "ready", variant },
      { name, commit: head, state: "ready", variant },
    ]);
    const watched = await watching;
    expectExit(watched, 0);
    expect(watched.stdout).toMatch(
      new RegExp(
        `^\\d\\d:\\d\\d:\\d\\d  ${name}: ${head.slice(0, 7)} ready on 1 of 1 serving node; it can be promoted$`,
        "m",
      ),
    );
    expect(watched.stdout).toMatch(/cli-rollout-node\s+ready\s+ready\s+$/m);
    const json = JSON.parse((await llmlb(["model", "rollout", repo, "--json"])).stdout);
    expect(json).toMatchObject({ candidate: head, needed: 1, ready: 1, promotable: true });
    expect(json.nodes).toMatchObject([{ node: "cli-rollout-node", current_state: "ready", state: "ready" }]);
    const watchedJson = await llmlb(["model", "rollout", repo, "--watch", "--json"]);
    expectExit(watchedJson, 0);
    expect(
      watchedJson.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toMatchObject([{ promotable: true }]);
    const shown = await llmlb(["model", "show", repo]);
    expect(shown.stdout).toMatch(new RegExp(`staged update\\s+${head.slice(0, 7)} by LLMLB_ADMIN_KEY`));

    const promoted = await llmlb(["model", "promote", repo]);
    expectExit(promoted, 0);
    expect(promoted.stderr).toBe("");
    expect(promoted.stdout).toContain(
      `${name} now serves ${head.slice(0, 7)} (${old.slice(0, 7)} kept on the nodes until`,
    );
    expect(JSON.parse((await llmlb(["model", "show", repo, "--json"])).stdout).model.commit).toBe(head);
    expect((await llmlb(["model", "show", repo])).stdout).toMatch(
      new RegExp(`previous commit\\s+${old.slice(0, 7)}, kept on the nodes until`),
    );

    // The node still holds the old commit: the rollback is immediate.
    await report([
      { name, commit: head, state: "ready", variant },
      { name, commit: old, state: "ready", variant },
    ]);
    const back = await llmlb(["model", "rollback", repo, "--json"]);
    expectExit(back, 0);
    expect(JSON.parse(back.stdout)).toMatchObject({
      commit: old,
      rollout: { candidate: null, previous: { commit: head } },
    });

    // Staged again and forced past a node that lacks it; rolled back at once (the node kept
    // the old commit); staged once more and cancelled.
    await report([{ name, commit: old, state: "ready", variant }]);
    const restaged = await llmlb(["model", "update", repo, "--commit", head.toUpperCase(), "--json"]);
    expectExit(restaged, 0);
    expect(JSON.parse(restaged.stdout)).toMatchObject({
      commit: old,
      rollout: { candidate: { commit: head, staged_by: "LLMLB_ADMIN_KEY", diff: { from: old, to: head } } },
    });
    const forced = await llmlb(["model", "promote", repo, "--force"]);
    expectExit(forced, 0);
    expect(forced.stderr).toContain("warning: not ready on cli-rollout-node");
    const forcedJson = JSON.parse((await llmlb(["model", "rollback", repo, "--json"])).stdout);
    expect(forcedJson).toMatchObject({ commit: old, rollout: { candidate: null, previous: { commit: head } } });
    expectExit(await llmlb(["model", "update", repo]), 0);
    const forcedAgain = await llmlb(["model", "promote", repo, "--force", "--json"]);
    expectExit(forcedAgain, 0);
    expect(JSON.parse(forcedAgain.stdout)).toMatchObject({ commit: head, not_ready: ["cli-rollout-node"] });
    const again = await llmlb(["model", "rollback", repo]);
    expectExit(again, 0);
    expect(again.stdout).toContain(`${name} serves ${old.slice(0, 7)} again`);
    expectExit(await llmlb(["model", "update", repo]), 0);
    const cancelled = await llmlb(["model", "cancel", repo]);
    expectExit(cancelled, 0);
    expect(cancelled.stdout).toBe(`${name}: cancelled ${head.slice(0, 7)}; ${old.slice(0, 7)} keeps serving\n`);
    expectExit(await llmlb(["model", "cancel", repo]), 3, "no staged update to cancel");
    expectExit(await llmlb(["model", "update", repo]), 0);
    const cancelledJson = await llmlb(["model", "cancel", repo, "--json"]);
    expectExit(cancelledJson, 0);
    expect(JSON.parse(cancelledJson.stdout)).toMatchObject({ commit: old, rollout: { candidate: null } });
    const idle = await llmlb(["model", "rollout", repo, "--watch"]);
    expectExit(idle, 0);
    expect(idle.stdout).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d  ${name}: no update is staged\n$`));
    const history = (await llmlb(["model", "history", repo, "--json"])).stdout;
    expect(
      JSON.parse(history)
        .history.map((e: { action: string }) => e.action)
        .slice(0, 10),
    ).toEqual([
      "cancelled",
      "staged",
      "cancelled",
      "staged",
      "rolled_back",
      "promoted",
      "staged",
      "rolled_back",
      "promoted",
      "staged",
    ]);
    expectExit(await llmlb(["model", "rollout", "acme/nope"]), 2);
    // About 40 CLI processes, each a second or more on a loaded 2-core machine.
  }, 180_000);
});
