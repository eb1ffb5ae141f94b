import { describe, expect, it } from "vitest";
import { createPhasedProgress, createProgress, QUIET_MS } from "../src/cli/progress.ts";

/** A stderr stand-in that records what is written; `isTTY` chooses the bar or the log lines. */
function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  const stream = { isTTY, columns: 120, write: (s: string) => { written.push(s); return true; } } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe("progress", () => {
  it("off a terminal, writes one plain line per tenth of long work, with an ETA, and a closing line", () => {
    const { stream, written } = fakeStream(false);
    let now = 0;
    const progress = createProgress("training", 100, stream, () => now);
    for (let done = 0; done < 100; done++) { now = done * 1000; progress.update(done, `epoch ${1 + Math.floor(done / 25)}/4`); }
    now = 100_000;
    progress.finish();
    // Silent for the first QUIET_MS (10 s, ten steps here), then one line per tenth: 10%..90%.
    expect(written).toHaveLength(10);
    expect(written.every((line) => line.endsWith("\n") && !line.includes("\r"))).toBe(true);
    expect(written[0]).toBe("training: 10/100 10% ETA 90s epoch 1/4\n");
    expect(written[8]).toBe("training: 90/100 90% ETA 10s epoch 4/4\n");
    expect(written[9]).toBe("training: done, 100/100 in 100s\n");
  });

  it("off a terminal, work done within the quiet time writes nothing", () => {
    const { stream, written } = fakeStream(false);
    let now = 0;
    const progress = createProgress("analyze", 3, stream, () => now);
    for (let done = 0; done <= 3; done++) { now = done * (QUIET_MS / 4); progress.update(done); }
    progress.finish();
    expect(written).toEqual([]);
  });

  it("on a terminal, redraws one line in place and ends it", () => {
    const { stream, written } = fakeStream(true);
    let now = 0;
    const progress = createProgress("analyze", 4, stream, () => now);
    for (let done = 0; done < 4; done++) { now = 1000 * done; progress.update(done, "a.wav"); }
    progress.finish();
    expect(written).toHaveLength(6); // four updates, the full bar, the newline
    expect(written.slice(0, 5).every((s) => s.startsWith("\ranalyze [") && !s.includes("\n"))).toBe(true);
    expect(written[2]).toContain("2/4 50% ETA 2s a.wav");
    expect(written[4]).toContain("4/4 100% ETA 0s");
    expect(written[5]).toBe("\n");
  });

  it("in phases, each phase has its own lines and closes once", () => {
    const { stream, written } = fakeStream(false);
    let now = 0;
    const progress = createPhasedProgress(stream, () => now);
    for (const [label, total] of [["reading train", 20], ["training", 10]] as const) {
      const start = now;
      for (let done = 0; done <= total; done++) { now = start + done * 2000; progress(done, total, label); }
      progress(total, total, label); // a repeated last call does not close twice
    }
    expect(written.filter((l) => l.startsWith("reading train: done"))).toEqual(["reading train: done, 20/20 in 40s\n"]);
    expect(written.filter((l) => l.startsWith("training: done"))).toEqual(["training: done, 10/10 in 20s\n"]);
    // The training phase's own clock: its first line comes after its own quiet time.
    expect(written.find((l) => l.startsWith("training:"))).toBe("training: 5/10 50% ETA 10s\n");
  });
});
