// Following upstream (docs/upstream.md): the follow policy, the on-demand check, the diff,
// upstream gone, a Hub outage during a check, the webhook and the history, against the
// real route handlers, database and fake hub (which moves a repository to a new commit).
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb, rowsOf } from "@/lib/db/client";
import { getModelByName, getModelIdByName } from "@/lib/db/queries/models";
import { claimDueChecks, storeUpstreamResult } from "@/lib/db/queries/upstream";
import { checkUpstream } from "@/lib/registry/upstream-check";
import { adminKey, startHubForFile } from "../helpers/env";
import { callJson } from "../helpers/routes";

const hub = startHubForFile();

const register = async (json: Record<string, unknown>) => {
  const res = await callJson("POST", "/api/models/register", { key: adminKey, json });
  expect(res.status).toBe(201);
  return res.body.model;
};
const detail = async (name: string) => (await callJson("GET", `/api/models/${name}`, { key: adminKey })).body;
const check = (name: string, key: string | null = adminKey) => callJson("POST", `/api/models/${name}/check`, { key });
const history = async (name: string) =>
  (await callJson("GET", `/api/models/${name}/history`, { key: adminKey })).body.history;
const manifestCommit = async (name: string) =>
  (await callJson("GET", `/api/models/registry/${name}/manifest.json`, { key: adminKey })).body.commit;
const getModelId = (name: string) => getModelIdByName({ name });
const readerKey = async () =>
  (await callJson("POST", "/api/keys", { key: adminKey, json: { name: "reader", scope: "reader" } })).body.key;

afterEach(() => {
  hub().setOutage(null);
  delete process.env.LLMLB_HF_WEBHOOK_SECRET;
});

describe("following upstream", () => {
  it("follows a branch by default, never a commit, and records the registration", async () => {
    const model = await register({ repo: "acme/tiny-onnx" });
    expect(model.follow).toBe("manual");
    expect(model.upstream).toEqual({
      state: "unchecked",
      commit: null,
      checked_at: null,
      seen_at: null,
      reason: null,
      check_error: null,
      diff: null,
    });
    const [entry] = await history(model.name);
    expect(entry).toMatchObject({ action: "registered", actor: "LLMLB_ADMIN_KEY", to_commit: model.commit });

    const commit = hub().getFile("acme/tiny-metal", "config.json")?.commit;
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    const pinned = await register({ repo: `https://huggingface.co/acme/tiny-metal/tree/${commit}` });
    expect(pinned.upstream.state).toBe("fixed");
    const refused = await check(pinned.name);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("conflict");
    expect(refused.body.error.message).toContain("never changes");
  });

  it("says current when nothing moved, and shows what changed when upstream moves", async () => {
    const repo = "acme/tiny-llama-GGUF";
    const model = await register({ repo });
    const same = await check(model.name);
    expect(same.status).toBe(200);
    expect(same.body.upstream).toMatchObject({ state: "current", commit: model.commit, diff: null, reason: null });
    expect(Date.parse(same.body.upstream.checked_at)).toBeGreaterThan(Date.now() - 60_000);

    // Upstream re-quantizes Q4_K_M (same size, new bytes), adds Q5_K_M and drops Q8_0.
    const head = hub().push(repo, {
      write: [
        { path: "tiny-llama.Q4_K_M.gguf", kind: "binary", size: 300000, lfs: true, seed: "requantized" },
        { path: "tiny-llama.Q5_K_M.gguf", kind: "binary", size: 400000, lfs: true },
      ],
      remove: ["tiny-llama.Q8_0.gguf"],
    });
    const moved = await check(model.name);
    expect(moved.status).toBe(200);
    const { upstream } = moved.body;
    expect(upstream.state).toBe("update_available");
    expect(upstream.commit).toBe(head);
    expect(upstream.diff.from).toBe(model.commit);
    expect(upstream.diff.to).toBe(head);
    const names = (files: { filename: string }[]) => files.map((f) => f.filename);
    expect(names(upstream.diff.changed)).toEqual(["tiny-llama.Q4_K_M.gguf"]);
    expect(names(upstream.diff.added)).toEqual(["tiny-llama.Q5_K_M.gguf"]);
    expect(names(upstream.diff.removed)).toEqual(["tiny-llama.Q8_0.gguf"]);
    expect(upstream.diff.counts).toEqual({ added: 1, removed: 1, changed: 1, unchanged: 2 });
    const variants = Object.fromEntries(
      upstream.diff.variants.map((v: { name: string; change: string; download_bytes: number }) => [
        v.name,
        [v.change, v.download_bytes],
      ]),
    );
    expect(variants).toEqual({
      "gguf:F16": ["unchanged", 0],
      "gguf:Q4_K_M": ["changed", 300000],
      "gguf:Q5_K_M": ["added", 400000],
      "gguf:Q8_0": ["removed", 0],
    });
    // What is served stays pinned.
    expect(moved.body.commit).toBe(model.commit);
    expect(await manifestCommit(model.name)).toBe(model.commit);

    // Seen once: a second check keeps when it was first seen and adds no history.
    const again = await check(model.name);
    expect(again.body.upstream.seen_at).toBe(upstream.seen_at);
    const entries = await history(model.name);
    expect(entries.map((e: { action: string }) => e.action)).toEqual(["upstream_moved", "registered"]);
    expect(entries[0]).toMatchObject({ actor: "LLMLB_ADMIN_KEY", from_commit: model.commit, to_commit: head });
  });

  it("chooses a quantization asked for again: re-sharded upstream, it is an update, not gone", async () => {
    const repo = "acme/big-model-GGUF";
    const model = await register({ repo: `${repo}:q8_0` });
    expect(model.filename).toBe("Q8_0/big-model-Q8_0-00001-of-00002.gguf");
    const shards = (n: number) =>
      Array.from({ length: n }, (_, i) => `Q8_0/big-model-Q8_0-0000${i + 1}-of-0000${n}.gguf`);
    const head = hub().push(repo, {
      remove: shards(2),
      write: shards(3).map((path) => ({ path, kind: "binary" as const, size: 200000, lfs: true })),
    });
    const { upstream } = (await check(model.name)).body;
    expect(upstream).toMatchObject({ state: "update_available", commit: head });
    expect(upstream.diff.added.map((f: { filename: string }) => f.filename)).toEqual(shards(3));
    expect(upstream.diff.removed.map((f: { filename: string }) => f.filename)).toEqual(shards(2));
    expect(upstream.diff.variants).toEqual([
      expect.objectContaining({ name: "gguf:Q8_0", change: "changed", download_bytes: 600000 }),
    ]);
  });

  it("tells a file changed in place by its git blob id when the Hub gives no sha256", async () => {
    const repo = "acme/tiny-safetensors";
    const model = await register({ repo });
    const tokenizer = model.artifacts.find((a: { filename: string }) => a.filename === "tokenizer.json");
    expect(tokenizer.sha256).toBeNull();
    const before = await fetch(tokenizer.url).then((r) => r.text());
    // One character swapped: the same size, other bytes.
    const after = before.replace(/"/, "'");
    expect(Buffer.byteLength(after)).toBe(Buffer.byteLength(before));
    hub().push(repo, { write: [{ path: "tokenizer.json", kind: "text", content: after }] });
    const { upstream } = (await check(model.name)).body;
    expect(upstream.diff.changed.map((f: { filename: string }) => f.filename)).toEqual(["tokenizer.json"]);
    expect(upstream.diff.variants).toEqual([
      expect.objectContaining({ name: "safetensors", change: "changed", download_bytes: Buffer.byteLength(before) }),
    ]);
  });

  it("shows upstream gone while the pinned commit keeps serving, and keeps the state through failed checks", async () => {
    const model = await register({ repo: "acme/mixed-formats" });
    hub().setOutage("down");
    const down = await check(model.name);
    expect(down.status).toBe(424);
    expect(down.body.error.code).toBe("hf_unavailable");
    const during = await detail(model.name);
    expect(during.upstream.state).toBe("unchecked");
    expect(during.upstream.check_error).toMatchObject({ code: "hf_unavailable" });
    hub().setOutage(null);

    // A token the Hub refuses is a failed check, not every repository gone.
    process.env.HF_TOKEN = "hf_revoked_token";
    try {
      const refused = await check(model.name);
      expect(refused.status).toBe(424);
      expect((await detail(model.name)).upstream.state).toBe("unchecked");
    } finally {
      delete process.env.HF_TOKEN;
    }
    expect((await check(model.name)).body.upstream).toMatchObject({ state: "current", check_error: null });

    hub().deleteRepo("acme/mixed-formats");
    const gone = await check(model.name);
    expect(gone.status).toBe(200);
    expect(gone.body.upstream.state).toBe("gone");
    expect(gone.body.upstream.reason).toMatchObject({ code: "not_found" });
    expect(gone.body.upstream.reason.message).toContain("acme/mixed-formats");
    expect(await manifestCommit(model.name)).toBe(model.commit);
    expect((await history(model.name))[0]).toMatchObject({ action: "upstream_gone" });

    // Gone stays gone, with its reason, through an outage.
    hub().setOutage("down");
    expect((await check(model.name)).status).toBe(424);
    const after = (await detail(model.name)).upstream;
    expect(after).toMatchObject({
      state: "gone",
      reason: { code: "not_found" },
      check_error: { code: "hf_unavailable" },
    });
  });

  it("shares one Hub call between checks asked at once, and never lets an older answer overwrite a newer one", async () => {
    const repo = "acme/sixty-quants-GGUF";
    const model = await register({ repo });
    hub().clearRequests();
    const row = await getModelByName({ name: model.name });
    if (!row) throw new Error("not registered");
    const calls = () => hub().requests.filter((r) => r.path.startsWith(`/api/models/${repo}/`)).length;
    // Asked at once, before any has asked the Hub: one Hub call answers them all.
    const answers = await Promise.all(Array.from({ length: 6 }, () => checkUpstream({ model: row, actor: "test" })));
    expect(answers.map((m) => m.upstreamState)).toEqual(Array(6).fill("current"));
    expect(calls()).toBe(1);
    // Asked while a check is asking the Hub: that caller gets a check of its own, after it.
    const first = checkUpstream({ model: row, actor: "test" });
    while (calls() < 2) await new Promise((r) => setTimeout(r, 1));
    const second = checkUpstream({ model: row, actor: "test" });
    await Promise.all([first, second]);
    expect(calls()).toBe(3);

    // A check that asked the Hub before the one stored last (say on another instance) stores nothing.
    const { checked_at } = (await detail(model.name)).upstream;
    const stored = await storeUpstreamResult({
      id: (await getModelId(model.name)) ?? "",
      pinnedCommit: model.commit,
      startedAt: new Date(Date.parse(checked_at) - 1_000),
      result: { state: "gone", commit: null, diff: null, reason: { code: "not_found", message: "old news" } },
      history: () => ({ action: "upstream_gone", actor: "test" }),
    });
    expect(stored?.upstreamState).toBe("current");
    expect((await detail(model.name)).upstream).toMatchObject({ state: "current", checked_at });
    expect((await history(model.name))[0].action).toBe("registered");
  });

  it("sets the follow policy, and refuses bad input, unknown models and readers, changing nothing", async () => {
    const model = await register({
      repo: "https://huggingface.co/acme/tiny-llama-GGUF/blob/main/tiny-llama.F16.gguf",
      follow: "off",
    });
    expect(model.follow).toBe("off");
    expect(model.upstream.state).toBe("off");
    const patch = (json: unknown, key: string | null = adminKey, name = model.name) =>
      callJson("PATCH", `/api/models/${name}`, { key, json });

    for (const [json, message] of [
      [{ follow: "sometimes" }, "follow must be manual"],
      [{ follow: "manual", commit: "abc" }, "commit"],
      [{}, "follow"],
      ["manual", "object"],
    ] as const) {
      const res = await patch(json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body.error.message.toLowerCase()).toContain(message);
    }
    expect((await patch({ follow: "manual" }, null)).status).toBe(401);
    expect((await patch({ follow: "manual" }, await readerKey())).status).toBe(403);
    expect((await patch({ follow: "manual" }, adminKey, "hf/acme/nope")).status).toBe(404);
    const off = await check(model.name);
    expect(off.status).toBe(409);
    expect(off.body.error.message).toContain("follow is off");
    expect((await detail(model.name)).follow).toBe("off");
    expect((await check(model.name, await readerKey())).status).toBe(403);
    expect((await check("hf/acme/not-registered")).status).toBe(404);
    expect((await callJson("GET", `/api/models/${model.name}/check`, { key: adminKey })).status).toBe(405);

    const res = await patch({ follow: "manual" });
    expect(res.status).toBe(200);
    expect(res.body.follow).toBe("manual");
    expect(res.body.upstream.state).toBe("unchecked");
    expect((await history(model.name))[0]).toMatchObject({ action: "follow_changed", detail: "off → manual" });
  });

  it("takes the Hub's webhook only with the right secret, and checks the models following the repo", async () => {
    const repo = "acme/sharded-safetensors";
    const name = "hf/acme/sharded-safetensors";
    const send = (secret: string | null, body?: unknown) =>
      callJson("POST", "/api/hooks/huggingface", {
        key: null,
        headers: secret === null ? {} : { "x-webhook-secret": secret },
        json: body ?? { event: { action: "update", scope: "repo.content" }, repo: { type: "model", name: repo } },
      });
    expect((await send("anything")).status).toBe(404);
    process.env.LLMLB_HF_WEBHOOK_SECRET = "s3cret-for-tests";
    expect((await send(null)).status).toBe(401);
    expect((await send("s3cret-for-test")).status).toBe(401);
    expect((await send("s3cret-for-tests", { event: "x" })).status).toBe(400);
    const dataset = await send("s3cret-for-tests", {
      event: { action: "update", scope: "repo.content" },
      repo: { type: "dataset", name: repo },
    });
    expect(dataset.status).toBe(200);
    expect(dataset.body.checking).toEqual([]);

    await register({ repo });
    const head = hub().push(repo, { write: [{ path: "README.md", kind: "text", content: "# moved\n" }] });
    // The name's casing as the Hub may send it, and a headSha that is never trusted.
    const res = await send("s3cret-for-tests", {
      event: { action: "update", scope: "repo.content" },
      repo: { type: "model", name: "ACME/sharded-safetensors", headSha: "0".repeat(40) },
    });
    expect(res.status).toBe(202);
    expect(res.body.checking).toEqual([name]);
    let upstream = (await detail(name)).upstream;
    for (let i = 0; i < 100 && upstream.state !== "update_available"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      upstream = (await detail(name)).upstream;
    }
    expect(upstream.state).toBe("update_available");
    expect(upstream.commit).toBe(head);
    // README.md is in no manifest: the head moved, no file a node holds changed.
    expect(upstream.diff.counts).toMatchObject({ added: 0, removed: 0, changed: 0 });
    expect((await history(name))[0]).toMatchObject({ action: "upstream_moved", actor: "webhook", to_commit: head });
  });

  it("claims each due model once per interval for the periodic pass, on this database too", async () => {
    const followed = await register({ repo: "acme/unicode-gguf" });
    const off = "hf/acme/tiny-llama-GGUF/tiny-llama.F16.gguf";
    expect((await callJson("PATCH", `/api/models/${off}`, { key: adminKey, json: { follow: "off" } })).status).toBe(
      200,
    );
    const { db } = await getDb();
    // A first pass places models never placed (half to one interval ahead): none is due yet.
    const placed = await claimDueChecks({ intervalS: 3600, limit: 50 });
    expect(placed.map((m) => m.name)).not.toContain(followed.name);
    const next = await db.execute(sql`select upstream_next_check_at as at from models where name = ${followed.name}`);
    const at = Date.parse(String(rowsOf<{ at: string }>(next)[0]?.at));
    expect(at - Date.now()).toBeGreaterThan(1700 * 1000);
    expect(at - Date.now()).toBeLessThanOrEqual(3600 * 1000);

    await db.execute(sql`update models set upstream_next_check_at = now() - interval '1 second'`);
    const due = (await claimDueChecks({ intervalS: 3600, limit: 50 })).map((m) => m.name);
    expect(due).toContain(followed.name);
    // Fixed (commit) and follow-off registrations are never claimed.
    expect(due).not.toContain("hf/acme/tiny-metal");
    expect(due).not.toContain(off);
    expect(await claimDueChecks({ intervalS: 3600, limit: 50 })).toEqual([]);
  });
});
