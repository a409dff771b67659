// File bytes for the fake Hub. Binary files are never held whole: any byte range is
// produced on demand from a 64 KiB deterministic block, so multi-GB fixtures cost
// nothing until someone reads them. A binary file may start with a real header (a GGUF or
// safetensors metadata block, see weight-headers.ts): bytes [0, header.length) are the
// header's, every later byte is the one the block gives at that same offset.
import { createHash } from "node:crypto";

export const BLOCK_SIZE = 64 * 1024;
/** The block repeated: lets a reader take up to 1 MiB per view, so serving costs few writes. */
const RUN_SIZE = 16 * BLOCK_SIZE;
/** Files above this are hashed lazily (on first need) instead of at startup. */
export const LAZY_HASH_THRESHOLD = 16 * 1024 * 1024;

/**
 * A file's leading bytes, built on first use and then kept (a GGUF vocabulary runs to
 * several MB, so it is not built at import nor at hub startup). Shared by every spec made
 * from the same fixture header, across hub instances.
 */
export class LazyHeader {
  private bytes: Buffer | null;
  private sha1: string | null = null;
  constructor(private readonly source: Buffer | (() => Buffer)) {
    this.bytes = Buffer.isBuffer(source) ? source : null;
  }
  get built(): boolean {
    return this.bytes !== null;
  }
  get(): Buffer {
    this.bytes ??= (this.source as () => Buffer)();
    return this.bytes;
  }
  /** Identity of the header bytes (part of the content key). */
  key(): string {
    this.sha1 ??= createHash("sha1").update(this.get()).digest("hex");
    return this.sha1;
  }
}

const lazyHeaders = new WeakMap<Buffer | (() => Buffer), LazyHeader>();

/** The one LazyHeader for a fixture's `header` (so it is built once per process). */
export function lazyHeader(source: Buffer | (() => Buffer)): LazyHeader {
  let header = lazyHeaders.get(source);
  if (!header) {
    header = new LazyHeader(source);
    lazyHeaders.set(source, header);
  }
  return header;
}

export type ContentSpec =
  | { kind: "text"; bytes: Buffer }
  | { kind: "binary"; seed: string; size: number; magic: string | null; header?: LazyHeader };

/** The header of a binary spec, checked against the file size on every use (cheap). */
function headerOf(spec: ContentSpec & { kind: "binary" }): Buffer | null {
  if (!spec.header) return null;
  const header = spec.header.get();
  if (header.length > spec.size) {
    throw new Error(`fake hub: header of ${spec.seed} is ${header.length} bytes, more than the file's ${spec.size}`);
  }
  return header;
}

export function contentSize(spec: ContentSpec): number {
  return spec.kind === "text" ? spec.bytes.length : spec.size;
}

/** Identity of the bytes: equal keys mean equal content (and therefore equal sha256). */
export function contentKey(spec: ContentSpec): string {
  if (spec.kind === "text") return `text:${createHash("sha1").update(spec.bytes).digest("hex")}`;
  if (spec.header) return `bin:${spec.seed}|${spec.size}|header:${spec.header.key()}`;
  return `bin:${spec.seed}|${spec.size}|${spec.magic ?? ""}`;
}

const blocks = new Map<string, Buffer>();

// Counter-mode sha256 is a simple, portable deterministic PRNG: block[i*32..] = sha256(seed:i).
function blockFor(seed: string, magic: string | null): Buffer {
  const key = `${seed}|${magic ?? ""}`;
  const cached = blocks.get(key);
  if (cached) return cached;
  const block = Buffer.allocUnsafe(BLOCK_SIZE);
  for (let i = 0; i < BLOCK_SIZE / 32; i++) {
    createHash("sha256")
      .update(`${seed}:${i}`)
      .digest()
      .copy(block, i * 32);
  }
  // GGUF readers check the magic; every block repetition starts with it, which is harmless.
  if (magic) block.write(magic, 0, "latin1");
  const run = Buffer.allocUnsafe(RUN_SIZE);
  for (let at = 0; at < RUN_SIZE; at += BLOCK_SIZE) block.copy(run, at);
  blocks.set(key, run);
  return run;
}

/**
 * Yields the bytes [start, end] (inclusive) as views into the shared run (no copy),
 * each at most `maxChunk` bytes. Callers must not mutate the yielded buffers.
 */
export function* byteRange(spec: ContentSpec, start: number, end: number, maxChunk = RUN_SIZE): Generator<Buffer> {
  const last = Math.min(end, contentSize(spec) - 1);
  if (spec.kind === "text") {
    for (let pos = start; pos <= last; pos += maxChunk) {
      yield spec.bytes.subarray(pos, Math.min(pos + maxChunk, last + 1));
    }
    return;
  }
  let pos = start;
  const header = headerOf(spec);
  while (header && pos <= last && pos < header.length) {
    const to = Math.min(pos + maxChunk, header.length, last + 1);
    yield header.subarray(pos, to);
    pos = to;
  }
  if (pos > last) return;
  const run = blockFor(spec.seed, spec.magic);
  while (pos <= last) {
    const inBlock = pos % BLOCK_SIZE;
    const len = Math.min(RUN_SIZE - inBlock, last + 1 - pos, maxChunk);
    yield run.subarray(inBlock, inBlock + len);
    pos += len;
  }
}

/** Same length, every byte inverted: guarantees a checksum mismatch downstream. */
export function flipBytes(chunk: Buffer): Buffer {
  const out = Buffer.allocUnsafe(chunk.length);
  for (let i = 0; i < chunk.length; i++) out[i] = chunk[i] ^ 0xff;
  return out;
}

const shaCache = new Map<string, string>();
const shaInFlight = new Map<string, Promise<string>>();

/**
 * Registers sha256s worked out ahead of time, by content key. Hashing is the one cost that
 * does not stay lazy: the Hub's metadata and resolve answers carry every LFS file's sha256,
 * and a 140 GB fixture takes over a minute to hash. A key names the exact bytes (seed, size,
 * header hash; the block generator never changes), so a stale entry is never used: it just
 * stops matching and the hash is computed again.
 */
export function registerKnownSha256(entries: Record<string, string>): void {
  for (const [key, hex] of Object.entries(entries)) shaCache.set(key, hex);
}

/** Cached sha256 if already known (never computes, nor builds a lazy header). */
export function knownSha256(spec: ContentSpec): string | undefined {
  if (spec.kind === "binary" && spec.header && !spec.header.built) return undefined;
  return shaCache.get(contentKey(spec));
}

/** Synchronous sha256 (blocks the event loop ~0.3 s per 512 MiB); cached by content key. */
export function sha256Sync(spec: ContentSpec): string {
  const key = contentKey(spec);
  const cached = shaCache.get(key);
  if (cached) return cached;
  const hash = createHash("sha256");
  for (const chunk of byteRange(spec, 0, contentSize(spec) - 1)) hash.update(chunk);
  const hex = hash.digest("hex");
  shaCache.set(key, hex);
  return hex;
}

/** Asynchronous sha256 that yields to the event loop every few MiB; deduplicates callers. */
export function sha256Async(spec: ContentSpec): Promise<string> {
  const key = contentKey(spec);
  const cached = shaCache.get(key);
  if (cached) return Promise.resolve(cached);
  if (contentSize(spec) <= LAZY_HASH_THRESHOLD) return Promise.resolve(sha256Sync(spec));
  const pending = shaInFlight.get(key);
  if (pending) return pending;
  const job = (async () => {
    const hash = createHash("sha256");
    let sinceYield = 0;
    for (const chunk of byteRange(spec, 0, contentSize(spec) - 1)) {
      hash.update(chunk);
      sinceYield += chunk.length;
      if (sinceYield >= 32 * 1024 * 1024) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    // A concurrent sha256Sync may have finished first; either result is identical.
    const hex = shaCache.get(key) ?? hash.digest("hex");
    shaCache.set(key, hex);
    shaInFlight.delete(key);
    return hex;
  })();
  shaInFlight.set(key, job);
  return job;
}

/** Git blob id ("blob <size>\0" + bytes), as the Hub reports in `blobId`. */
export function gitBlobSha1(bytes: Buffer): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** The Git LFS pointer file committed in place of an LFS file. */
export function lfsPointer(sha256: string, size: number): Buffer {
  return Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`);
}

export function sha1Hex(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}
