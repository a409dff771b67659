import { type APIRequestContext, expect, request } from "@playwright/test";

export type ReportedState = {
  name: string;
  /** The commit the state is about: a node reports a model once per commit it holds. */
  commit?: string;
  state: "pending" | "downloading" | "ready" | "error" | "unsupported";
  variant?: string;
  bytes_done?: number;
  bytes_total?: number;
  error?: { code: string; message: string };
};

/** What a node says of its hardware when it announces itself (docs/fit.md compares a model's need with it). */
export type NodeHardware = {
  formats?: string[];
  gpus?: { name: string; memory_bytes: number }[];
  memory_bytes?: number | null;
};

const defaultHardware: Required<NodeHardware> = {
  formats: ["gguf", "safetensors"],
  gpus: [{ name: "NVIDIA L4", memory_bytes: 24e9 }],
  memory_bytes: 64e9,
};

/**
 * A node speaking the real node API: its own node-scoped key (created with the
 * admin key), POST /api/nodes to announce itself, PUT /api/nodes/{id}/sync to report.
 */
export class NodeReporter {
  private constructor(
    private readonly api: APIRequestContext,
    readonly id: string,
    readonly name: string,
    private readonly admin: APIRequestContext,
    private readonly keyId: string,
  ) {}

  private beat: ReturnType<typeof setInterval> | null = null;

  static async announce(
    admin: APIRequestContext,
    baseURL: string,
    name: string,
    hardware: NodeHardware = {},
  ): Promise<NodeReporter> {
    const keyRes = await admin.post("/api/keys", { data: { name: `node ${name}`, scope: "node" } });
    expect(keyRes.status()).toBe(201);
    const { key, id: keyId } = await keyRes.json();
    const api = await request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
    const res = await api.post("/api/nodes", {
      data: {
        name,
        runtimes: ["llama.cpp"],
        ...defaultHardware,
        ...hardware,
        free_disk_bytes: 512e9,
        agent_version: "0.1.0",
      },
    });
    expect(res.ok()).toBe(true);
    return new NodeReporter(api, (await res.json()).id, name, admin, keyId);
  }

  async report(models: ReportedState[]): Promise<void> {
    const res = await this.api.put(`/api/nodes/${this.id}/sync`, { data: { free_disk_bytes: 480e9, models } });
    expect(res.status()).toBe(200);
  }

  /**
   * Report every few seconds, as an agent does, so the node stays online through a long test
   * (it goes offline after three missed heartbeats). Stopped by dispose().
   */
  keepOnline(models: ReportedState[] = [], everyMs = 4000): void {
    this.stopBeating();
    this.beat = setInterval(() => {
      this.api.put(`/api/nodes/${this.id}/sync`, { data: { free_disk_bytes: 480e9, models } }).catch(() => {});
    }, everyMs);
  }

  private stopBeating(): void {
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
  }

  /**
   * Retire the machine as an operator would: forget the node and revoke its key. (A node
   * whose key is revoked but is not forgotten belongs to admins, not to the next key.)
   */
  async dispose(): Promise<void> {
    this.stopBeating();
    await this.api.dispose();
    await this.admin.delete(`/api/nodes/${this.id}`);
    await this.admin.delete(`/api/keys/${this.keyId}`);
  }
}
