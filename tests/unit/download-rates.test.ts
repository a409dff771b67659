import { describe, expect, it } from "vitest";
import { advanceRates, formatDuration, type Rates, secondsLeft } from "@/components/models/download-rates";

const poll = (previous: Rates, done: number, total: number, at: number) =>
  advanceRates(previous, [{ name: "m", bytes_done: done, bytes_total: total }], at);

describe("download speed and time left from successive polls", () => {
  it("knows no speed after one poll, then measures bytes per second between polls", () => {
    const first = poll(new Map(), 0, 1000, 0);
    expect(first.get("m")?.rate).toBeNull();
    expect(secondsLeft(first.get("m"))).toBeNull();
    const second = poll(first, 100, 1000, 2000);
    expect(second.get("m")?.rate).toBe(50);
    expect(secondsLeft(second.get("m"))).toBe(18);
  });

  it("slows down when a download stalls, whether or not the answer changed", () => {
    let rates = poll(poll(new Map(), 0, 1000, 0), 100, 1000, 1000);
    rates = poll(rates, 100, 1000, 2000);
    expect(rates.get("m")?.rate).toBe(50);
    rates = poll(rates, 100, 1000, 3000);
    expect(rates.get("m")?.rate).toBe(25);
  });

  it("keeps its speed on a new baseline when a node joins or finishes (the total changes)", () => {
    const before = poll(poll(new Map(), 0, 1000, 0), 100, 1000, 1000);
    // A node finished: its bytes left both sums; that is no negative progress.
    const after = poll(before, 50, 500, 2000);
    expect(after.get("m")).toEqual({ done: 50, total: 500, at: 2000, rate: 100 });
  });

  it("drops models with nothing downloading", () => {
    expect(poll(poll(new Map(), 0, 1000, 0), 0, 0, 1000).size).toBe(0);
  });

  it("says durations the way people do", () => {
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(720)).toBe("12 min");
    expect(formatDuration(3 * 3600 + 5 * 60)).toBe("3 h 5 min");
  });
});
