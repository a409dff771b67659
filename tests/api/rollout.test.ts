// Staged updates (docs/upstream.md): a candidate beside the current commit, what nodes
// report of each, promotion (refused while a serving node lacks it, forced with a list),
// rollback at once or staged, cancel, `auto`, history, and bad input, against the real
// route handlers, database and fake hub (which moves a repository to a new commit).
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb, rowsOf } from "@/lib/db/client";
import { adminKey, startHubForFile } from "../helpers/env";
import { callApi, callJson } from "../helpers/routes";

const hub = startHubForFile();

let nodeKey: string;
let readerKey: string;
beforeAll(async () => {
  const mk = async (scope: string) =>
    (await callJson("POST", "/api/keys", { key: adminKey, json: { name: `${scope}-key`, scope } })).body.key as string;
  nodeKey = await mk("node");
  readerKey = await mk("reader");
});
afterEach(() => {
  delete process.env.LLMLB_ROLLBACK_GRACE;
});

const hardware = { runtimes: ["llama.cpp"], formats: ["gguf", "safetensors"], gpus: [], memory_bytes: 64e9 };
const register = async (json: Record<string, unknown>) => {
  const res = await callJson("POST", "/api/models/register", { key: adminKey, json });
  expect(res.status).toBe(201);
  return res.body.model;
};
const post = (name: string, action: string, json?: unknown, key: string | null = adminKey) =>
  callJson("POST", `/api/models/${name}/${action}`, { key, json });
const detail = async (name: string) => (await callJson("GET", `/api/models/${name}`, { key: readerKey })).body;
const rollout = async (name: string) => (await callJson("GET", `/api/models/${name}/rollout`, { key: readerKey })).body;
const v1 = async (name: string) => (await callJson("GET", `/v1/models/${name}`, { key: readerKey })).body;
const listed = async (name: string) =>
  (await callJson("GET", "/api/models", { key: nodeKey })).body.models.find((m: { name: string }) => m.name === name);
const manifest = async (name: string) =>
  (await callJson("GET", `/api/models/registry/${name}/manifest.json`, { key: nodeKey })).body;
const actions = async (name: string) =>
  (await callJson("GET", `/api/models/${name}/history`, { key: readerKey })).body.history.map(
    (e: { action: string }) => e.action,
  );

/** A node that reports what it is told, through the delta protocol. */
async function node(nodeName: string) {
  const { id } = (await callJson("POST", "/api/nodes", { key: nodeKey, json: { name: nodeName, ...hardware } })).body;
  const session = `s-${nodeName}-0123456789`;
  let seq = 0;
  const send = async (body: Record<string, unknown>) => {
    const res = await callJson("PUT", `/api/nodes/${id}/sync`, {
      key: nodeKey,
      json: { protocol: 2, session, seq: ++seq, models: [], ...body },
    });
    expect(res.status).toBe(200);
    expect(res.body.refused).toEqual([]);
    return res.body;
  };
  await send({ full: true });
  return { id, send };
}

const ready = (name: string, commit: string, variant = "safetensors") => ({ name, commit, state: "ready", variant });

describe("staged updates", () => {
  it("stages a candidate beside the current commit; node reports of it never touch ready", async () => {
    const repo = "acme/tiny-safetensors";
    const model = await register({ repo });
    const { name, commit } = model;
    const a = await node("stage-a");
    await a.send({ models: [ready(name, commit)] });
    expect((await v1(name)).ready).toBe(true);

    const refused = await post(name, "update");
    expect(refused.status).toBe(409); // upstream has not moved: the head is what is served
    expect(refused.body.error.message).toContain("already serves");

    const head = hub().push(repo, {
      write: [
        { path: "config.json", kind: "text", content: '{"model_type":"llama","fixed":true}' },
        { path: "tokenizer.model", kind: "binary", size: 5000, lfs: true },
      ],
    });
    const staged = await post(name, "update");
    expect(staged.status).toBe(200);
    expect(staged.body.commit).toBe(commit);
    expect(staged.body.rollout.candidate).toMatchObject({ commit: head, staged_by: "LLMLB_ADMIN_KEY" });
    const files = (list: { filename: string }[]) => list.map((f) => f.filename).sort();
    expect(files(staged.body.rollout.candidate.diff.changed)).toEqual(["config.json"]);
    expect(files(staged.body.rollout.candidate.diff.added)).toEqual(["tokenizer.model"]);
    // Staging the same head again changes nothing.
    expect((await post(name, "update")).body.rollout.candidate.staged_at).toBe(staged.body.rollout.candidate.staged_at);

    // Nodes see the candidate in the listing and its files in the manifest; the served commit stays.
    expect(await listed(name)).toMatchObject({ commit, candidate: { commit: head }, previous: null });
    const m = await manifest(name);
    expect(m.commit).toBe(commit);
    expect(m.candidate.commit).toBe(head);
    expect(m.candidate.artifacts.map((f: { filename: string }) => f.filename)).toContain("tokenizer.model");
    expect(m.candidate.artifacts[0].url).toContain(`/resolve/${head}/`);

    // The node reports both commits: downloading the candidate leaves the model ready.
    await a.send({ models: [{ name, commit: head, state: "downloading", variant: "safetensors", bytes_done: 10 }] });
    expect(await v1(name)).toMatchObject({ ready: true, commit, sync: { ready_nodes: 1, nodes: 1 } });
    expect(await rollout(name)).toMatchObject({
      candidate: head,
      needed: 1,
      ready: 0,
      promotable: false,
      nodes: [{ node: "stage-a", online: true, current_state: "ready", state: "downloading", holds_back: true }],
    });
    const early = await post(name, "promote");
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain("stage-a");

    await a.send({ models: [ready(name, head)] });
    expect(await rollout(name)).toMatchObject({ ready: 1, promotable: true });
    const promoted = await post(name, "promote");
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ commit: head, not_ready: [], rollout: { candidate: null } });
    expect(promoted.body.rollout.previous.commit).toBe(commit);
    expect(promoted.body.upstream.state).toBe("current");
    // The node's report of the candidate is now its current state: ready with no gap.
    expect(await v1(name)).toMatchObject({ ready: true, commit: head, sync: { ready_nodes: 1 } });
    expect((await manifest(name)).commit).toBe(head);
    expect(await listed(name)).toMatchObject({ commit: head, candidate: null, previous: { commit } });

    // The node still holds the old commit: a rollback is immediate.
    await a.send({ models: [ready(name, commit)] });
    const back = await post(name, "rollback");
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ commit, rollout: { candidate: null, previous: { commit: head } } });
    expect(await v1(name)).toMatchObject({ ready: true, commit, sync: { ready_nodes: 1 } });
    expect(await actions(name)).toEqual(["rolled_back", "promoted", "staged", "upstream_moved", "registered"]);
  });

  it("promotes by force naming the nodes left behind, cancels, and rolls back as a staged update when no node holds the old commit", async () => {
    const repo = "acme/sharded-safetensors";
    const { name, commit } = await register({ repo });
    const a = await node("force-a");
    const b = await node("force-b");
    await a.send({ models: [ready(name, commit)] });
    await b.send({ models: [ready(name, commit)] });
    const head = hub().push(repo, { write: [{ path: "config.json", kind: "text", content: '{"v":2}' }] });
    expect((await post(name, "update", { commit: head.toUpperCase() })).status).toBe(200);

    // Cancel: no candidate left, nothing else moved.
    const cancelled = await callJson("DELETE", `/api/models/${name}/candidate`, { key: adminKey });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ commit, rollout: { candidate: null, previous: null } });
    expect((await listed(name)).candidate).toBeNull();
    const again = await callJson("DELETE", `/api/models/${name}/candidate`, { key: adminKey });
    expect(again.status).toBe(409);

    expect((await post(name, "update")).body.rollout.candidate.commit).toBe(head);
    await a.send({ models: [ready(name, head)] });
    const refused = await post(name, "promote", { force: false });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain("1 of 2 nodes");
    const forced = await post(name, "promote", { force: true });
    expect(forced.status).toBe(200);
    expect(forced.body.not_ready).toEqual(["force-b"]);
    // force-a serves the new commit; force-b holds only the old one, so it counts for nothing now.
    expect(await v1(name)).toMatchObject({ ready: true, sync: { ready_nodes: 1, nodes: 1 } });

    // Neither node reports the old commit any more: the rollback stages it.
    await a.send({ full: true, models: [ready(name, head)] });
    await b.send({ full: true, models: [] });
    const back = await post(name, "rollback");
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ commit: head, rollout: { candidate: { commit } } });
    expect((await actions(name)).slice(0, 2)).toEqual(["rolled_back", "promoted"]);
  });

  it("with follow auto, stages what a check finds and promotes once every serving node has it", async () => {
    const repo = "acme/tiny-onnx";
    const { name, commit } = await register({ repo, follow: "auto" });
    expect((await detail(name)).follow).toBe("auto");
    const a = await node("auto-a");
    await a.send({ models: [ready(name, commit, "onnx")] });
    const head = hub().push(repo, { write: [{ path: "config.json", kind: "text", content: '{"auto":1}' }] });
    const checked = await post(name, "check");
    expect(checked.status).toBe(200);
    expect(checked.body.rollout.candidate).toMatchObject({ commit: head, staged_by: "LLMLB_ADMIN_KEY" });
    expect(checked.body.commit).toBe(commit);

    await a.send({ models: [ready(name, head, "onnx")] });
    const deadline = Date.now() + 10_000;
    while ((await detail(name)).commit !== head) {
      if (Date.now() > deadline) throw new Error("not promoted");
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await v1(name)).toMatchObject({ ready: true, commit: head });
    const history = (await callJson("GET", `/api/models/${name}/history`, { key: readerKey })).body.history;
    expect(history[0]).toMatchObject({
      action: "promoted",
      actor: "auto-promote",
      from_commit: commit,
      to_commit: head,
    });
    expect(history[1]).toMatchObject({ action: "staged", to_commit: head });
  });

  it("with follow auto, promotes when the last nodes report ready together (no wake-up lost to a decision under way)", async () => {
    const repo = "acme/unicode-gguf";
    const { name, commit, variants } = await register({ repo, follow: "auto" });
    const variant = variants[0].name;
    const nodes = await Promise.all(["together-a", "together-b", "together-c", "together-d"].map(node));
    for (const n of nodes) await n.send({ models: [ready(name, commit, variant)] });
    let current = commit;
    for (let round = 0; round < 8; round++) {
      const head = hub().push(repo, { write: [{ path: "README.md", kind: "text", content: `# round ${round}\n` }] });
      expect((await post(name, "check")).body.rollout.candidate.commit).toBe(head);
      // Every node's heartbeat asks for a promotion; only the last to be stored makes it promotable.
      await Promise.all(
        nodes.map((n) => n.send({ models: [ready(name, current, variant), ready(name, head, variant)] })),
      );
      const deadline = Date.now() + 10_000;
      while ((await detail(name)).commit !== head) {
        if (Date.now() > deadline)
          throw new Error(`round ${round} not promoted: ${JSON.stringify(await rollout(name))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      current = head;
    }
  });

  it("takes one of two steps raced against each other and refuses the other with 409", async () => {
    const repo = "acme/big-model-GGUF";
    const { name, commit } = await register({ repo });
    const head = hub().push(repo, { write: [{ path: "README.md", kind: "text", content: "# raced\n" }] });
    expect((await post(name, "update")).status).toBe(200);
    // Promote (forced: no node) and cancel at once: the candidate is promoted or dropped, never both.
    const [promoted, cancelled] = await Promise.all([
      post(name, "promote", { force: true }),
      callJson("DELETE", `/api/models/${name}/candidate`, { key: adminKey }),
    ]);
    expect([promoted.status, cancelled.status].sort()).toEqual([200, 409]);
    const after = await detail(name);
    expect(after.rollout.candidate).toBeNull();
    expect(after.commit).toBe(promoted.status === 200 ? head : commit);
    expect((await actions(name))[0]).toBe(promoted.status === 200 ? "promoted" : "cancelled");
    // Two updates of the same head at once: one candidate, both answered with it (staging
    // what is already staged changes nothing).
    const head2 = hub().push(repo, { write: [{ path: "README.md", kind: "text", content: "# raced again\n" }] });
    const both = await Promise.all([post(name, "update"), post(name, "update")]);
    for (const r of both) {
      expect(r.status).toBe(200);
      expect(r.body.rollout.candidate.commit).toBe(head2);
    }
    const history = (await callJson("GET", `/api/models/${name}/history`, { key: readerKey })).body.history;
    const staged = history.filter(
      (e: { action: string; to_commit: string }) => e.action === "staged" && e.to_commit === head2,
    );
    expect(staged.length).toBeGreaterThanOrEqual(1);
  });

  it("keeps each node's digest the XOR of its states through promotion and rollback", async () => {
    const repo = "acme/mixed-formats";
    const { name, commit, variants } = await register({ repo });
    const variant = variants[0].name;
    const a = await node("digest-a");
    await a.send({ models: [ready(name, commit, variant)] });
    const head = hub().push(repo, { write: [{ path: "README.md", kind: "text", content: "# digest\n" }] });
    expect((await post(name, "update")).status).toBe(200);
    await a.send({ models: [ready(name, head, variant)] });
    const { db } = await getDb();
    // The rare state a swap must not lose a hash in: a second row about the served commit.
    await db.execute(sql`
      insert into node_commit_states (node_id, model_id, commit, state, report_hash)
      select node_id, model_id, ${commit}, 'pending', 12345 from node_model_states where node_id = ${a.id}`);
    await db.execute(sql`update nodes set state_digest = state_digest # 12345 where id = ${a.id}`);
    const digestIsTrue = async () => {
      const rows = await db.execute<{ stored: string; computed: string }>(sql`
        select n.state_digest::text as stored, coalesce((select bit_xor(h) from (
          select report_hash h from node_model_states where node_id = n.id
          union all select report_hash from node_commit_states where node_id = n.id) x), 0)::text as computed
        from nodes n where n.id = ${a.id}`);
      const [row] = rowsOf<{ stored: string; computed: string }>(rows);
      return row?.stored === row?.computed;
    };
    expect(await digestIsTrue()).toBe(true);
    expect((await post(name, "promote")).status).toBe(200);
    expect(await digestIsTrue()).toBe(true);
    expect((await post(name, "rollback")).status).toBe(200);
    expect(await digestIsTrue()).toBe(true);
  });

  it("refuses bad input and callers without the admin scope, changing nothing", async () => {
    const { name, commit } = await register({ repo: "acme/tiny-metal" });
    for (const body of [{ commit: "main" }, { commit: 42 }, { commit: "a".repeat(40), extra: 1 }]) {
      const res = await post(name, "update", body);
      expect(res.status).toBe(400);
    }
    const unknown = await post(name, "update", { commit: "f".repeat(40) });
    expect(unknown.status).toBe(424);
    expect(unknown.body.error.code).toBe("hf_revision_not_found");
    expect((await post(name, "promote", { force: "yes" })).status).toBe(400);
    expect((await post(name, "promote")).body.error.code).toBe("conflict");
    expect((await post(name, "rollback")).body.error.code).toBe("conflict");
    expect((await post(name, "update", {}, readerKey)).status).toBe(403);
    expect((await post(name, "update", {}, null)).status).toBe(401);
    expect((await post("hf/acme/nope", "update")).status).toBe(404);
    const wrong = await callApi("GET", `/api/models/${name}/promote`, { key: adminKey });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    expect((await callApi("POST", `/api/models/${name}/candidate`, { key: adminKey })).status).toBe(405);
    expect((await detail(name)).rollout).toEqual({ candidate: null, previous: null });
    expect((await detail(name)).commit).toBe(commit);
    expect(await actions(name)).toEqual(["registered"]);
  });
});
