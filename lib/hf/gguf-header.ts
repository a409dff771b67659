// The part of a GGUF header fit needs (docs/fit.md): the metadata's numbers and short
// strings, and the tensor table's shapes for the parameter count. It walks the header once,
// reading more of the file (Range requests, doubling) only when the next field needs it, and
// steps over the tokenizer's arrays (hundreds of thousands of strings) without decoding them.
//
// Why not @huggingface/gguf's gguf(), which the tests use as the reference: it decodes every
// string of every array, and parses an array again from its start each time the array runs
// past one of its 2 MB chunks; Llama 3's 8.9 MB header took it ~850 ms of CPU on the
// server's event loop, per registration. This reads the same bytes in a few ms.
import { HeaderReadError } from "./header-read-error";

const MAGIC = 0x46554747; // "GGUF", little-endian
const maxTensors = 1_000_000;
const maxKeys = 65_536;
const maxDims = 8;
/** Scalar strings kept (names, architecture); longer ones (chat templates) are stepped over. */
const maxKeptString = 256;
/** Numeric arrays kept (per-layer head counts); longer ones (token types) are stepped over. */
const maxKeptArray = 1024;
/** Keys kept of general.*, and of the architecture's: a real header has a few dozen of each. */
const maxKeptKeys = 256;
const firstWindow = 256 * 1024;
const maxStep = 2 * 1024 * 1024;

export interface GgufFacts {
  metadata: Record<string, unknown>;
  parameters: number;
  /** Bytes of the file the header took (up to the end of the tensor table). */
  headerBytes: number;
}

/** `read(start, end)` returns bytes [start, end) of the file (fewer only at its end). */
export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

/** Fixed widths of the scalar types, by GGUF type number; 8 (string) and 9 (array) vary. */
const scalarBytes: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

class Cursor {
  private buf = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  private ended = false;
  pos = 0;

  constructor(
    private readonly read: ReadRange,
    private readonly file: string,
    private readonly maxBytes: number,
  ) {}

  /** True when `n` bytes from `pos` are here already (the loops' synchronous fast path). */
  has(n: number): boolean {
    return this.pos + n <= this.buf.length;
  }

  /** Makes `n` bytes from `pos` readable: more of the file when they are not here yet. */
  async need(n: number): Promise<void> {
    if (this.pos + n <= this.buf.length) return;
    const want = this.pos + n;
    if (want > this.maxBytes) {
      throw new HeaderReadError(
        `the header of ${this.file} is larger than the ${this.maxBytes / 1024 / 1024} MB read per file`,
      );
    }
    if (this.ended) throw new HeaderReadError(`${this.file} ends inside its GGUF header`);
    // Doubling from 256 KB, by at most 2 MB a step: few requests, and little read past the table.
    const step = Math.min(Math.max(this.buf.length, firstWindow), maxStep);
    const end = Math.min(this.maxBytes, Math.max(want, this.buf.length + step));
    const more = await this.read(this.buf.length, end);
    if (more.length < end - this.buf.length) this.ended = true;
    const grown = new Uint8Array(this.buf.length + more.length);
    grown.set(this.buf);
    grown.set(more, this.buf.length);
    this.buf = grown;
    this.view = new DataView(grown.buffer);
    if (this.pos + n > this.buf.length) throw new HeaderReadError(`${this.file} ends inside its GGUF header`);
  }

  u32(): number {
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A u64 as a number; one past 2^53 is no real count, size or dimension. */
  u64(what: string): number {
    const low = this.view.getUint32(this.pos, true);
    const high = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    // Two u32 halves, not a BigInt: this runs once per string of a 400,000-string vocabulary.
    if (high >= 0x200000) throw new HeaderReadError(`${this.file}: an impossible ${what} in its GGUF header`);
    return high * 0x100000000 + low;
  }

  scalar(type: number): number | boolean {
    const v = this.view;
    const at = this.pos;
    this.pos += scalarBytes[type] ?? 0;
    switch (type) {
      case 0:
        return v.getUint8(at);
      case 1:
        return v.getInt8(at);
      case 2:
        return v.getUint16(at, true);
      case 3:
        return v.getInt16(at, true);
      case 4:
        return v.getUint32(at, true);
      case 5:
        return v.getInt32(at, true);
      case 6:
        return v.getFloat32(at, true);
      case 7:
        return v.getUint8(at) !== 0;
      case 10:
        return Number(v.getBigUint64(at, true));
      case 11:
        return Number(v.getBigInt64(at, true));
      default:
        return v.getFloat64(at, true);
    }
  }

  text(length: number): string {
    const s = new TextDecoder().decode(this.buf.subarray(this.pos, this.pos + length));
    this.pos += length;
    return s;
  }

  skip(n: number): void {
    this.pos += n;
  }
}

/** A string: kept when short, else stepped over (null). */
async function readString(c: Cursor, keep: boolean): Promise<string | null> {
  await c.need(8);
  const length = c.u64("string length");
  await c.need(length);
  if (keep && length <= maxKeptString) return c.text(length);
  c.skip(length);
  return null;
}

/** A value: kept (`keep`, and within the bounds above), or stepped over (null). */
async function readValue(c: Cursor, type: number, depth: number, keep: boolean): Promise<unknown> {
  if (type === 8) return readString(c, keep);
  if (type === 9) {
    if (depth > 2) throw new HeaderReadError("a GGUF header nests arrays too deep");
    await c.need(12);
    const sub = c.u32();
    const count = c.u64("array length");
    const width = scalarBytes[sub];
    if (width !== undefined) {
      await c.need(count * width);
      if (!keep || count > maxKeptArray) {
        c.skip(count * width);
        return null;
      }
      return Array.from({ length: count }, () => c.scalar(sub));
    }
    if (sub !== 8) {
      for (let i = 0; i < count; i++) await readValue(c, sub, depth + 1, false);
      return null;
    }
    // Strings (the vocabulary, the merges): stepped over by their lengths, without a promise
    // per string while the bytes are here (hundreds of thousands of them).
    for (let i = 0; i < count; i++) {
      if (!c.has(8)) await c.need(8);
      const length = c.u64("string length");
      if (!c.has(length)) await c.need(length);
      c.skip(length);
    }
    return null;
  }
  const width = scalarBytes[type];
  if (width === undefined) throw new HeaderReadError(`an unknown value type ${type} in a GGUF header`);
  await c.need(width);
  return c.scalar(type);
}

/** Reads `file`'s GGUF header through `read`, at most `maxBytes` of it. */
export async function readGgufFacts(read: ReadRange, file: string, maxBytes: number): Promise<GgufFacts> {
  const c = new Cursor(read, file, maxBytes);
  await c.need(24);
  if (c.u32() !== MAGIC) throw new HeaderReadError(`${file} has no readable GGUF header (no GGUF magic)`);
  const version = c.u32();
  if (version !== 2 && version !== 3) {
    throw new HeaderReadError(`${file} has no readable GGUF header (version ${version}; 2 and 3 are read)`);
  }
  const tensors = c.u64("tensor count");
  const keys = c.u64("key count");
  if (tensors > maxTensors || keys > maxKeys) {
    throw new HeaderReadError(`${file} has no readable GGUF header (${tensors} tensors, ${keys} keys)`);
  }
  const metadata: Record<string, unknown> = {};
  // Only what fit reads is kept: `general.*` and the architecture's own keys (llama.cpp
  // writes general.architecture first); anything else is read past, however much of it.
  let arch: string | null = null;
  let keptGeneral = 0;
  let keptArch = 0;
  for (let i = 0; i < keys; i++) {
    const key = await readString(c, true);
    await c.need(4);
    const type = c.u32();
    const general = key?.startsWith("general.") === true;
    const wanted: boolean =
      key !== null &&
      (general ? keptGeneral < maxKeptKeys : arch !== null && key.startsWith(`${arch}.`) && keptArch < maxKeptKeys);
    const value = await readValue(c, type, 0, wanted);
    if (!wanted || key === null || value === null) continue;
    metadata[key] = value;
    if (general) keptGeneral++;
    else keptArch++;
    if (key === "general.architecture" && typeof value === "string") arch = value;
  }
  let parameters = 0;
  for (let i = 0; i < tensors; i++) {
    if (!c.has(8)) await c.need(8);
    const name = c.u64("string length");
    if (!c.has(name + 4)) await c.need(name + 4);
    c.skip(name);
    const dims = c.u32();
    if (dims > maxDims) throw new HeaderReadError(`${file}: a tensor with ${dims} dimensions in its GGUF header`);
    if (!c.has(dims * 8 + 12)) await c.need(dims * 8 + 12);
    let elements = 1;
    for (let d = 0; d < dims; d++) elements *= c.u64("dimension");
    c.skip(12); // type (u32) and offset (u64)
    parameters += elements;
    if (!Number.isSafeInteger(parameters)) throw new HeaderReadError(`${file}: an impossible tensor table`);
  }
  return { metadata, parameters, headerBytes: c.pos };
}
