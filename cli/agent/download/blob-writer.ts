// Writes one partial blob through a small ring of page-aligned 1 MiB slots. A full slot
// is hashed, then written to disk while the next slots fill; writes go out one at a time
// (slots that are next to each other in one write), in order, so if the process dies the
// file on disk is a prefix of the download (a power cut may lose what was not yet synced;
// the hash check after resuming catches that). Where the file system allows
// it the file is opened with O_DIRECT: the bytes go from the slot to the disk, skipping
// the page cache. That costs the agent a fraction of the CPU of a buffered write, and a
// 70 GB download no longer evicts the pages of the model a node is serving
// (docs/benchmarks.md). Elsewhere (any file system that refuses O_DIRECT) the same slots
// are written through the page cache.
import fs from "node:fs";
import { promisify } from "node:util";
import { giveBack, type Ring, SLOT, SLOTS, takeRing } from "./ring";

/** O_DIRECT offsets and lengths must be multiples of the device's block size; 4 KiB covers 512 B devices too. */
const ALIGN = 4096;
const O_DIRECT = fs.constants.O_DIRECT ?? 0;
const EMPTY = Buffer.alloc(0);
const TRICKLE_MS = 1000;

export type Io = (fd: number, buf: Buffer, off: number, len: number, pos: number) => Promise<number>;
/** fs.write / fs.read at a position, resolving with the byte count. */
const io =
  (call: typeof fs.write | typeof fs.read): Io =>
  (fd, buf, off, len, pos) =>
    new Promise((resolve, reject) => {
      (call as typeof fs.read)(fd, buf, off, len, pos, (err, n) => (err ? reject(err) : resolve(n)));
    });
const write = io(fs.write);
const read = io(fs.read);
const open = promisify(fs.open);
const close = promisify(fs.close);
const fsync = promisify(fs.fsync);

/** A file-system error, for the caller to name the file it concerns. */
export class WriteFailure extends Error {
  constructor(readonly cause: unknown) {
    super((cause as Error)?.message ?? String(cause));
  }
}

/** What the writer feeds each slot's bytes to before they go to disk (one hash, or several). */
export interface Hasher {
  update(data: Uint8Array): unknown;
}

export interface WriterOptions {
  /** false writes through the page cache, as happens anyway where O_DIRECT is refused. */
  direct?: boolean;
  /** On a slow link, whole blocks are written at least this often (ms). */
  trickleMs?: number;
  /** Writes at a position (fs.write by default; tests slow or fail the disk with it). */
  write?: Io;
}

interface Write {
  /** Byte range in the ring, its place in the file, and the slots it covers. */
  at: number;
  length: number;
  pos: number;
  slots: number[];
}

export class BlobWriter {
  private ring: Ring | null;
  /** The slot being filled, how many bytes it holds, and how many of those are hashed and queued for writing. */
  private slot = 0;
  private fill = 0;
  private hashed = 0;
  private flushed = 0;
  /** File offset of the current slot's first byte. */
  private slotPos: number;
  /** Writes not yet done per slot: a slot is filled again only once its writes are done. */
  private readonly pending: number[] = new Array(SLOTS).fill(0);
  private readonly queued: Write[] = [];
  private writing = false;
  /** Told when the queue is empty and no write runs. */
  private idle: (() => void)[] = [];
  private waiting: (() => void)[] = [];
  /** end() or close(), once: both release the file and the ring. */
  private finished: Promise<void> | null = null;
  private lastQueued = performance.now();
  private failure: WriteFailure | null = null;
  private ending = false;
  private readonly trickleMs: number;
  private readonly write: Io;

  private constructor(
    ring: Ring,
    private fd: number,
    private direct: boolean,
    private readonly file: string,
    private readonly hash: Hasher,
    start: number,
    opts: WriterOptions,
  ) {
    this.trickleMs = opts.trickleMs ?? TRICKLE_MS;
    this.write = opts.write ?? write;
    this.ring = ring;
    this.slotPos = start;
  }

  /**
   * Opens `file` to continue after its first `offset` bytes (already in `hash`); 0 starts
   * a new file. A resumed file's last partial block is read back into the first slot, so
   * every direct write starts on a block boundary.
   */
  static async open(file: string, offset: number, hash: Hasher, opts: WriterOptions = {}): Promise<BlobWriter> {
    const ring = takeRing();
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | (offset > 0 ? 0 : fs.constants.O_TRUNC);
    let direct = O_DIRECT !== 0 && ring.aligned && opts.direct !== false;
    let fd: number;
    try {
      try {
        fd = await open(file, direct ? flags | O_DIRECT : flags);
      } catch (err) {
        if (!direct || (err as NodeJS.ErrnoException).code !== "EINVAL") throw err;
        direct = false;
        fd = await open(file, flags);
      }
    } catch (err) {
      giveBack(ring);
      throw new WriteFailure(err);
    }
    const start = offset - (offset % ALIGN);
    const writer = new BlobWriter(ring, fd, direct, file, hash, start, opts);
    if (start < offset) await writer.readBack(start, offset);
    return writer;
  }

  private async readBack(start: number, offset: number): Promise<void> {
    const ring = this.bytes();
    try {
      const fd = await open(this.file, "r");
      try {
        for (let at = 0; at < offset - start; ) {
          const n = await read(fd, ring, at, offset - start - at, start + at);
          if (n === 0) throw new Error(`${this.file} ended before byte ${offset}`);
          at += n;
        }
      } finally {
        await close(fd);
      }
    } catch (err) {
      await this.close();
      throw new WriteFailure(err);
    }
    // Already hashed, and written again (the same bytes) with the first block.
    this.fill = this.hashed = offset - start;
  }

  /** Where the next bytes go: the rest of the current slot. Empty while `wait()` is needed (or after a failure). */
  space(): Buffer {
    if (!this.ring || this.failure || this.ending || this.blocked()) return EMPTY;
    const at = this.slot * SLOT;
    return this.ring.bytes.subarray(at + this.fill, at + SLOT);
  }

  /**
   * Counts `n` bytes put at the start of `space()`. A slot that fills is hashed and queued
   * for writing; on a slow link, whole blocks are also written once a second, so a crash
   * loses little and the partial file grows as the download goes.
   */
  commit(n: number): void {
    this.check();
    this.fill += n;
    if (this.fill < SLOT) {
      if (this.fill - this.flushed >= ALIGN && performance.now() - this.lastQueued >= this.trickleMs) {
        this.flush(this.fill - (this.fill % ALIGN));
      }
      return;
    }
    this.flush(SLOT);
    this.slot = (this.slot + 1) % SLOTS;
    this.slotPos += SLOT;
    this.fill = this.hashed = this.flushed = 0;
  }

  /** Copies a chunk in (for bodies that arrive as Buffers), waiting for a free slot when needed. */
  async push(chunk: Buffer): Promise<void> {
    for (let at = 0; at < chunk.length; ) {
      await this.wait();
      const n = chunk.copy(this.space(), 0, at);
      at += n;
      this.commit(n);
    }
  }

  /** Resolves once `space()` has room again (the disk caught up); rejects if a write failed. */
  async wait(): Promise<void> {
    while (this.blocked()) {
      this.check();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.check();
  }

  /**
   * Writes every byte received so far (a last partial block through the page cache), then
   * closes. With `sync`, the data and the file's size are on disk before this resolves.
   * After a failure the bytes already written stay, for the next attempt to resume.
   */
  end(sync: boolean): Promise<void> {
    this.finished ??= this.finish(sync);
    return this.finished;
  }

  private async finish(sync: boolean): Promise<void> {
    try {
      this.check();
      this.ending = true;
      const whole = this.direct ? this.fill - (this.fill % ALIGN) : this.fill;
      this.flush(whole);
      this.hashSlot();
      await this.drained();
      if (this.failure) throw this.failure;
      if (whole < this.fill) {
        // An O_DIRECT write must be whole blocks: the file's last few bytes go through the page cache.
        const fd = await open(this.file, "r+");
        try {
          await this.writeAll(fd, this.slot * SLOT + whole, this.fill - whole, this.slotPos + whole);
        } finally {
          await close(fd);
        }
      }
      if (sync) await fsync(this.fd);
    } catch (err) {
      throw err instanceof WriteFailure ? err : new WriteFailure(err);
    } finally {
      await this.release();
    }
  }

  /** Closes without writing what is still in the ring. */
  close(): Promise<void> {
    this.finished ??= this.release();
    return this.finished.catch(() => {});
  }

  private async release(): Promise<void> {
    this.ending = true;
    await this.drained();
    if (this.fd >= 0) await close(this.fd).catch(() => {});
    this.fd = -1;
    if (this.ring) giveBack(this.ring);
    this.ring = null;
  }

  private check(): void {
    if (this.failure) throw this.failure;
    if (!this.ring || this.ending) throw new Error("BlobWriter used after end()");
  }

  private bytes(): Buffer {
    if (!this.ring) throw new Error("BlobWriter used after end()");
    return this.ring.bytes;
  }

  /** The slot to fill next still has writes of its last round pending. */
  private blocked(): boolean {
    return this.fill === 0 && this.pending[this.slot] > 0 && !this.failure;
  }

  /** Hashes the current slot's new bytes and queues them for writing up to `upTo`. */
  private flush(upTo: number): void {
    this.hashSlot();
    if (upTo <= this.flushed) return;
    const w = { at: this.slot * SLOT + this.flushed, length: upTo - this.flushed, pos: this.slotPos + this.flushed };
    this.flushed = upTo;
    this.lastQueued = performance.now();
    this.pending[this.slot]++;
    // Slots next to each other in the ring and in the file go out as one write.
    const last = this.queued.at(-1);
    if (last && last.at + last.length === w.at && last.pos + last.length === w.pos) {
      last.length += w.length;
      last.slots.push(this.slot);
    } else {
      this.queued.push({ ...w, slots: [this.slot] });
    }
    void this.pump();
  }

  private hashSlot(): void {
    const at = this.slot * SLOT;
    if (this.fill > this.hashed) this.hash.update(this.bytes().subarray(at + this.hashed, at + this.fill));
    this.hashed = this.fill;
  }

  private async pump(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    for (let w = this.queued.shift(); w; w = this.queued.shift()) {
      try {
        if (!this.failure) await this.writeAll(this.fd, w.at, w.length, w.pos);
      } catch (err) {
        this.failure = err instanceof WriteFailure ? err : new WriteFailure(err);
      }
      for (const slot of w.slots) this.pending[slot]--;
      for (const wake of this.waiting.splice(0)) wake();
    }
    this.writing = false;
    for (const done of this.idle.splice(0)) done();
  }

  /** Resolves once every queued write is done. */
  private drained(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async writeAll(fd: number, at: number, length: number, pos: number): Promise<void> {
    const ring = this.bytes();
    for (let done = 0; done < length; ) {
      try {
        done += await this.write(fd, ring, at + done, length - done, pos + done);
      } catch (err) {
        // Some file systems accept O_DIRECT at open and refuse the write: go on through the page cache.
        if (!(this.direct && fd === this.fd && (err as NodeJS.ErrnoException).code === "EINVAL")) throw err;
        await this.dropDirect();
        fd = this.fd;
      }
    }
  }

  private async dropDirect(): Promise<void> {
    const buffered = await open(this.file, "r+");
    await close(this.fd).catch(() => {});
    this.fd = buffered;
    this.direct = false;
  }
}
