// Which transfer gets a free slot: no model takes them all, and a model with fewer running
// goes first, so a small model queued behind a large or slow one starts at once.
import { describe, expect, it } from "vitest";
import { DownloadSlots } from "../../cli/agent/download/download-slots";

/** A transfer that runs until `finish` is called; `started` tells whether it got a slot. */
function transfer(slots: DownloadSlots, owner: string, signal = new AbortController().signal) {
  let finish = () => {};
  const state = { started: false, done: null as Promise<unknown> | null };
  state.done = slots
    .run(
      owner,
      () =>
        new Promise<void>((resolve) => {
          state.started = true;
          finish = resolve;
        }),
      signal,
    )
    .catch((err: unknown) => err);
  return { state, finish: () => finish() };
}

const settle = () => new Promise((r) => setImmediate(r));

describe("DownloadSlots", () => {
  it("leaves a slot for another model when one model queues many files", async () => {
    const slots = new DownloadSlots(3);
    const big = Array.from({ length: 6 }, () => transfer(slots, "big"));
    await settle();
    expect(big.map((t) => t.state.started)).toEqual([true, true, false, false, false, false]);
    const small = transfer(slots, "small");
    await settle();
    expect(small.state.started).toBe(true);
  });

  it("gives a freed slot to the waiting model with the fewest transfers running", async () => {
    const slots = new DownloadSlots(2);
    const a = [transfer(slots, "a"), transfer(slots, "a")];
    const b = transfer(slots, "b");
    await settle();
    expect([a[0].state.started, a[1].state.started, b.state.started]).toEqual([true, false, true]);
    const c = transfer(slots, "c");
    b.finish();
    await settle();
    // a already runs one; c runs none: c goes first although a's second file came earlier.
    expect(c.state.started).toBe(true);
    expect(a[1].state.started).toBe(false);
    a[0].finish();
    await settle();
    expect(a[1].state.started).toBe(true);
  });

  it("with one slot, runs one transfer at a time in order", async () => {
    const slots = new DownloadSlots(1);
    const first = transfer(slots, "a");
    const second = transfer(slots, "b");
    await settle();
    expect([first.state.started, second.state.started]).toEqual([true, false]);
    first.finish();
    await settle();
    expect(second.state.started).toBe(true);
  });

  it("drops a waiter whose signal aborts, and passes its turn on", async () => {
    const slots = new DownloadSlots(1);
    const running = transfer(slots, "a");
    const controller = new AbortController();
    const gaveUp = transfer(slots, "b", controller.signal);
    const next = transfer(slots, "c");
    controller.abort(new Error("removed"));
    expect(await gaveUp.state.done).toMatchObject({ message: "removed" });
    running.finish();
    await settle();
    expect(next.state.started).toBe(true);
    expect(gaveUp.state.started).toBe(false);
  });
});
