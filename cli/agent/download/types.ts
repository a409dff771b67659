// The types the download's parts share: what is asked (one file of a repo at a commit),
// what is known of a transfer as the Hub answers, and one answer with its body still to
// read, whichever HTTP client read its head.
import type { Hash } from "node:crypto";
import type { BlobLedger } from "../cache/verify-blob";
import type { BlobWriter } from "./blob-writer";

export interface HubFileRequest {
  hfEndpoint: string;
  hfToken?: string | null;
  repo: string;
  commit: string;
  path: string;
  blobsDir: string;
  userAgent?: string;
}

export interface BodyHooks {
  watchdog: Watchdog;
  /** After each piece of the body is in the writer; may throw to stop the transfer. */
  onData(bytes: number): void;
}

/** The body of one answer, still to read. */
export interface HubBody {
  /**
   * Reads the rest of the body into `writer`. Rejects with the writer's WriteFailure when
   * the disk fails, with what `onData` threw, or with a network error when the connection
   * ends before the body does.
   */
  pipeTo(writer: BlobWriter, hooks: BodyHooks): Promise<void>;
  /** The body is not wanted (a redirect's line of text): its connection is freed. */
  drain(): void;
  /** Stops reading and closes the connection. */
  destroy(): void;
}

/** One answer of the chain: its status, headers, and the body still to read (or discard). */
export interface HubResponse {
  status: number;
  header(name: string): string | null;
  body: HubBody;
}

/** Stall detection: armed while waiting for the network, disarmed while the agent itself works. */
export interface Watchdog {
  arm(): void;
  disarm(): void;
}

/** What is known about one file's transfer; filled in as the Hub's answers arrive. */
export interface Transfer {
  /**
   * Name of the partial file, fixed for the whole transfer: the manifest's sha256, else a
   * name derived from repo, commit and path. Never a name the Hub's headers chose.
   */
  partial: string;
  /** Bytes already in the partial file (and in `hash`). */
  offset: number;
  hash: Hash;
  /**
   * The git blob sha1 of a file with no expected sha256, downloaded from its first byte with
   * its size known up front (`gitSize`): the name huggingface_hub gives such blobs.
   */
  gitHash: Hash | null;
  gitSize: number | null;
  expectedSize: number | null;
  /** From the manifest, or the Hub's X-Linked-Etag: the bytes must hash to it. */
  expectedSha: string | null;
  /** From the manifest, for a file without a sha256: its git blob id must be this. */
  expectedBlobId: string | null;
}

export interface DownloadFileOptions extends HubFileRequest {
  expectedSize?: number | null;
  /** From the manifest; also names the blob. */
  expectedSha256?: string | null;
  /** From the manifest (the Hub's git blob id) for a file without a sha256; also names the blob. */
  expectedBlobId?: string | null;
  signal?: AbortSignal;
  /** No byte for this long aborts the transfer as a transient `stalled` error. */
  stallTimeoutMs?: number;
  /** Bytes of this file on disk so far, resumed bytes included. */
  onProgress?: (bytes: number) => void;
  /** false writes through the page cache, as happens anyway where the file system refuses O_DIRECT. */
  directIo?: boolean;
  /** Remembers verified blobs, so a blob already in place is not read again to check it. */
  ledger?: BlobLedger;
}

export interface DownloadedFile {
  blob: string;
  size: number;
  sha256: string | null;
  /** Bytes already on disk when the transfer started (a resumed partial file). */
  resumedFrom: number;
  /** True when the blob was already complete and nothing was fetched. */
  reused: boolean;
}
