// The download's blob writer on the real file system, with the disk slowed or failing
// through its write hook: whatever the disk does, the file is a prefix of the download
// and the hash covers exactly what arrived.
import { createHash, randomBytes } from "node:crypto";
import fs, { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobWriter, type Io, WriteFailure } from "../../cli/agent/download/blob-writer";

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "llmlb-writer-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const realWrite: Io = (fd, buf, off, len, pos) =>
  new Promise((resolve, reject) => fs.write(fd, buf, off, len, pos, (err, n) => (err ? reject(err) : resolve(n))));
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Feeds `data` as push() does, in reads of `read` bytes straight into space(), waiting when the ring is full. */
async function feed(w: BlobWriter, data: Buffer, read: number): Promise<number> {
  let waits = 0;
  for (let at = 0; at < data.length; ) {
    let space = w.space();
    if (space.length === 0) {
      waits++;
      await w.wait();
      space = w.space();
      // A reader resumed now reads straight into this: it must have room.
      expect(space.length).toBeGreaterThan(0);
    }
    const n = data.copy(space, 0, at, Math.min(at + read, data.length));
    w.commit(n);
    at += n;
  }
  return waits;
}

describe("BlobWriter", () => {
  for (const direct of [true, false]) {
    it(`holds the reader back while a slow disk catches up, then writes the whole file (${direct ? "O_DIRECT" : "page cache"})`, async () => {
      const data = randomBytes(12 * 1024 * 1024 + 1234);
      const file = path.join(tmp, `slow-${direct}`);
      const hash = createHash("sha256");
      // Every read also writes its whole blocks (trickleMs 0), so slots carry several writes each.
      const slow: Io = async (...args) => {
        await sleep(5);
        return realWrite(...args);
      };
      const w = await BlobWriter.open(file, 0, hash, { direct, trickleMs: 0, write: slow });
      const waits = await feed(w, data, 100_000);
      await w.end(true);
      expect(waits).toBeGreaterThan(0);
      expect(readFileSync(file).equals(data)).toBe(true);
      expect(hash.digest("hex")).toBe(sha256(data));
    });
  }

  it("continues a file from an unaligned length", async () => {
    const data = randomBytes(3 * 1024 * 1024);
    const file = path.join(tmp, "resumed");
    const kept = 123_457;
    fs.writeFileSync(file, data.subarray(0, kept));
    const hash = createHash("sha256").update(data.subarray(0, kept));
    const w = await BlobWriter.open(file, kept, hash);
    await feed(w, data.subarray(kept), 65_536);
    await w.end(true);
    expect(readFileSync(file).equals(data)).toBe(true);
    expect(hash.digest("hex")).toBe(sha256(data));
  });

  it("fails the reader when the disk fails, keeping what was written as a prefix", async () => {
    const data = randomBytes(20 * 1024 * 1024);
    const file = path.join(tmp, "full");
    let written = 0;
    const fillsUp: Io = async (...args) => {
      if (written >= 3 * 1024 * 1024) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
      const n = await realWrite(...args);
      written += n;
      return n;
    };
    const w = await BlobWriter.open(file, 0, createHash("sha256"), { write: fillsUp });
    const err = await feed(w, data, 65_536).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WriteFailure);
    expect(((err as WriteFailure).cause as NodeJS.ErrnoException).code).toBe("ENOSPC");
    await expect(w.end(false)).rejects.toBeInstanceOf(WriteFailure);
    const onDisk = readFileSync(file);
    expect(onDisk.length).toBe(written);
    expect(onDisk.equals(data.subarray(0, onDisk.length))).toBe(true);
  });
});
