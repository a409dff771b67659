// The bench harness measures what it says: floors are bare servers in processes of their
// own, the simulated nodes speak the delta protocol to the real server (and the old
// full-list form when asked), a probe's change reaches /v1/models, and the headline goes
// at the top of docs/benchmarks.md. Figures themselves live in bench/, never here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startBytesFloor, startSinkFloor } from "../../bench/floor/floor";
import { withCleanups } from "../../bench/nodes/cleanup";
import { readCmdline } from "../../bench/nodes/proc";
import { seedModels } from "../../bench/nodes/seed";
import { startStack } from "../../bench/nodes/stack";
import { sleep } from "../../bench/nodes/stats";
import { writeSectionFirst } from "../../bench/report-tables";
import { startSimFleet } from "../../bench/scale/sim-process";
import { readyNodesNow, waitForReadyNodes } from "../../bench/scale/watch";
import { testDbKind } from "../helpers/test-database";

describe("floors", () => {
  it("serve the captured bytes and headers from a process of their own", async () => {
    const body = Buffer.from(JSON.stringify({ object: "list", data: [{ id: "hf/a/b" }] }));
    const floor = await startBytesFloor(
      { status: 200, headers: { "content-type": "application/json", etag: '"abc"', date: "Thu, 01 Jan 1970" }, body },
      4490,
    );
    try {
      expect(floor.pid).not.toBe(process.pid);
      expect(readCmdline(floor.pid)).toContain("floor-server.mjs");
      const res = await fetch(floor.url);
      expect(res.status).toBe(200);
      expect(res.headers.get("etag")).toBe('"abc"');
      // A connection-level header is the floor's own, not the captured one.
      expect(res.headers.get("date")).not.toBe("Thu, 01 Jan 1970");
      expect(Buffer.from(await res.arrayBuffer())).toEqual(body);
    } finally {
      await floor.stop();
    }
    await expect(fetch(floor.url)).rejects.toThrow();
  });

  it("the heartbeat floor parses a heartbeat and acknowledges a delta's seq, as the server would", async () => {
    const sink = await startSinkFloor(4491);
    try {
      const announced = await fetch(`${sink.url}/api/nodes`, { method: "POST", body: JSON.stringify({ name: "n" }) });
      expect(announced.status).toBe(201);
      const { id } = (await announced.json()) as { id: string };
      const delta = await fetch(`${sink.url}/api/nodes/${id}/sync`, {
        method: "PUT",
        body: JSON.stringify({ protocol: 2, session: "abcdefgh", seq: 7, digest: "0".repeat(16), models: [] }),
      });
      expect(await delta.json()).toMatchObject({ heartbeat_interval_s: 5, acked: 7, snapshot: false });
      const full = await fetch(`${sink.url}/api/nodes/${id}/sync`, {
        method: "PUT",
        body: JSON.stringify({ models: [] }),
      });
      expect(await full.json()).not.toHaveProperty("acked");
      expect((await fetch(`${sink.url}/api/nodes/${id}/sync`, { method: "PUT", body: "{not json" })).status).toBe(400);
    } finally {
      await sink.stop();
    }
  });
});

describe("simulated nodes against the real server", () => {
  it("send their state in full once, then deltas; a changed state shows in /v1/models; the old form still works", async () => {
    await withCleanups(async (cleanups) => {
      let pgliteDir: string | undefined;
      if (testDbKind === "pglite") {
        const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-harness-"));
        cleanups.add("remove PGlite folder", () => rmSync(dir, { recursive: true, force: true }));
        pgliteDir = dir;
      }
      // PGlite is seeded before its server opens it; PostgreSQL after its server migrated it.
      const seedPglite = pgliteDir ? await seedModels({ pgliteDir }, 30) : null;
      const stack = await startStack(cleanups, { database: testDbKind, port: 4390, pgliteDir });
      const models = seedPglite ?? (await seedModels(stack.databaseUrl as string, 30));
      const readerKey = await stack.createKey("reader");
      const nodeKey = await stack.createKey("node");
      const fleet = await startSimFleet({
        serverUrl: stack.server.url,
        nodeKey,
        models,
        nodes: 3,
        intervalMs: 1_000,
        form: "deltas",
        namePrefix: "harness",
        lifetimeMs: 120_000,
      });
      cleanups.add("stop fleet", () => fleet.stop());

      // Every node's first heartbeat stored its whole state.
      const { body } = await stack.api<{ nodes: { name: string; online: boolean; models: unknown[] }[] }>("/api/nodes");
      expect(body.nodes.map((n) => [n.name, n.online, n.models.length]).sort()).toEqual([
        ["harness-0000", true, 30],
        ["harness-0001", true, 30],
        ["harness-0002", true, 30],
      ]);

      fleet.mark();
      await sleep(2_500);
      const quiet = await fleet.report();
      expect(quiet.heartbeats).toBeGreaterThanOrEqual(3);
      expect({ failures: quiet.failures, full: quiet.fullSent, snapshots: quiet.snapshotsAsked }).toEqual({
        failures: 0,
        full: 0,
        snapshots: 0,
      });

      const model = models[0].name;
      const before = await readyNodesNow(stack.server.url, readerKey, model);
      const probe = await fleet.probe(model);
      expect(Math.abs(probe.readyDelta)).toBe(1);
      const seen = await waitForReadyNodes(stack.server.url, readerKey, model, before + probe.readyDelta, 15_000);
      expect(seen.seenAt).not.toBeNull();

      fleet.setForm("full");
      await sleep(1_500);
      fleet.mark();
      await sleep(2_500);
      const old = await fleet.report();
      expect(old.heartbeats).toBeGreaterThanOrEqual(3);
      expect(old.fullSent).toBe(old.heartbeats);
      expect(old.failures).toBe(0);
    });
  }, 120_000);
});

describe("docs/benchmarks.md", () => {
  it("gets the headline right after its title, and replaces it there on the next run", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "llmlb-report-"));
    const file = path.join(dir, "benchmarks.md");
    try {
      writeFileSync(file, "# Benchmarks\n\nIntro.\n\n## Registry\n\nr\n\n## Nodes\n\nn\n");
      writeSectionFirst(file, "## Headline", "## Headline\n\nfirst");
      expect(readFileSync(file, "utf8")).toBe(
        "# Benchmarks\n\nIntro.\n\n## Headline\n\nfirst\n\n## Registry\n\nr\n\n## Nodes\n\nn\n",
      );
      writeSectionFirst(file, "## Headline", "## Headline\n\nsecond");
      expect(readFileSync(file, "utf8")).toBe(
        "# Benchmarks\n\nIntro.\n\n## Headline\n\nsecond\n\n## Registry\n\nr\n\n## Nodes\n\nn\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
