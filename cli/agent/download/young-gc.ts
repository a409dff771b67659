// A node:http body's Buffers (HTTPS downloads) are garbage as soon as they are copied,
// but V8 frees them only when its external-memory allowance (about 64 MB) runs out, which
// put the agent's peak resident set near 150 MB on a 2 GiB file. A minor GC every few MiB
// kept it about 20 MB lower for no measurable CPU (measured when every download read
// node:http Buffers). `gc` comes from a fresh context once --expose-gc is set, so no
// command-line flag is needed.
import v8 from "node:v8";
import vm from "node:vm";

type Gc = (options: { type: "minor" }) => void;
let gc: Gc | null | undefined;

export function collectYoungGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString("--expose-gc");
      gc = vm.runInNewContext("gc") as Gc;
    } catch {
      gc = null;
    }
  }
  gc?.({ type: "minor" });
}

/** Measurement only (bench/nodes/download-readers.ts): LLMLB_AGENT_YOUNG_GC=0 turns the collections off. */
export const youngGcEnabled = process.env.LLMLB_AGENT_YOUNG_GC !== "0";
