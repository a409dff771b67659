// The per-model states one simulated node reports: mostly ready, some pending, a few
// errors and unsupported models, and one download at a time (the agent has a single
// download worker) whose bytes_done grows every heartbeat. When churn is on, a
// finished download turns ready and the next pending model starts: a state change,
// which is what invalidates the server's cached /v1/models.
import type { SeededModel } from "./seed";

type State = "pending" | "downloading" | "ready" | "error" | "unsupported";

export interface ReportedModel {
  name: string;
  /** As the agent sends it: the commit the state is about. */
  commit: string;
  state: State;
  variant?: string;
  bytes_done?: number;
  bytes_total?: number;
  error?: { code: string; message: string };
}

/** Same mix on every run: decided by a hash of node and model index. */
const mix = (node: number, model: number) => ((node * 7919 + model * 104_729) >>> 0) % 100;

export class SimulatedNodeStates {
  private readonly states: State[];
  private downloading = -1;
  private bytesDone = 0;
  private heartbeatsLeft = 0;

  constructor(
    private readonly node: number,
    private readonly models: SeededModel[],
    /** Heartbeats one download lasts: per-node state changes come this often. */
    private readonly downloadHeartbeats: () => number,
  ) {
    this.states = models.map((_, j) => {
      const r = mix(node, j);
      return r < 90 ? "ready" : r < 96 ? "pending" : r < 98 ? "error" : "unsupported";
    });
    this.startNext();
  }

  /** Advance one heartbeat; returns true when a state (not just progress) changed. */
  tick(churn: boolean): boolean {
    const model = this.models[this.downloading];
    if (!model) return false;
    this.heartbeatsLeft--;
    if (!churn || this.heartbeatsLeft > 0) {
      // Progress only: the server stores it but keeps the cached /v1/models.
      this.bytesDone = Math.min(model.sizeBytes - 1, this.bytesDone + Math.ceil(model.sizeBytes / 40));
      return false;
    }
    this.states[this.downloading] = "ready";
    this.startNext();
    return true;
  }

  private startNext(): void {
    let next = this.states.indexOf("pending");
    // Out of pending models: re-download a ready one, as after a cache eviction.
    if (next === -1) next = this.states.indexOf("ready", (this.downloading + 1) % this.models.length);
    this.downloading = next;
    this.bytesDone = 0;
    this.heartbeatsLeft = this.downloadHeartbeats();
    if (next !== -1) this.states[next] = "downloading";
  }

  snapshot(): ReportedModel[] {
    return this.models.map((m, j): ReportedModel => ({ commit: m.commit, ...this.stateOf(m, j) }));
  }

  private stateOf(m: SeededModel, j: number): Omit<ReportedModel, "commit"> {
    const state = this.states[j];
    if (state === "ready") return { name: m.name, state, variant: m.variant };
    if (state === "downloading") {
      return { name: m.name, state, variant: m.variant, bytes_done: this.bytesDone, bytes_total: m.sizeBytes };
    }
    if (state === "error") {
      return { name: m.name, state, error: { code: "disk_full", message: `node-${this.node}: not enough disk` } };
    }
    if (state === "unsupported") {
      return { name: m.name, state, error: { code: "unsupported", message: "no variant fits this node's formats" } };
    }
    return { name: m.name, state, variant: m.variant };
  }
}
