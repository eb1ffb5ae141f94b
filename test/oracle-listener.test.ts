// The oracle for live use: bounded windows, the root cap, the threshold bank and motifs.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildOracle, oracleToJson } from "../src/oracle/analysis.ts";
import { OracleListener, WindowedOracle, type MotifEvent } from "../src/oracle/listener.ts";
import { liveOracleObjects, oracleMemoryBytes, VariableMarkovOracle } from "../src/oracle/oracle.ts";
import { SHARED_DIR } from "./reference.ts";

const VMO = SHARED_DIR.replace(/\/?$/, "/") + "reference/vmo/";
const chroma: number[][] = JSON.parse(readFileSync(VMO + "input_chroma300.json", "utf8")).features;

function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1664525 + 1013904223) % 4294967296) / 4294967296;
}

describe("distances", () => {
  it("computes exactly as many distances as vmo", () => {
    for (const [d, t] of [["cosine", "0.2"], ["euclidean", "0.05"]] as const) {
      const ref = JSON.parse(readFileSync(`${VMO}oracle_${d}_t${t}.json`, "utf8"));
      expect(buildOracle(chroma, Number(t), d).distancesComputed).toBe(ref.distances_computed);
    }
  });

  it("caps the work per frame at the root when every frame is new", () => {
    const rand = lcg(1);
    const frames = Array.from({ length: 2000 }, () => Array.from({ length: 20 }, rand));
    const capped = new VariableMarkovOracle({ dim: 20, threshold: 0.01, dfunc: "euclidean", maxRootCompare: 32 });
    let before = 0, worst = 0;
    for (const f of frames) {
      capped.add(f);
      worst = Math.max(worst, capped.distancesComputed - before);
      before = capped.distancesComputed;
    }
    expect(capped.numClusters).toBe(2000);
    expect(worst).toBeLessThanOrEqual(32);
    // Uncapped, the last frame alone compares with all 1999 clusters.
    expect(buildOracle(frames, 0.01, "euclidean").distancesComputed).toBe((2000 * 1999) / 2);
  });

  it("changes nothing while the clusters fit under the cap", () => {
    const capped = new VariableMarkovOracle({ dim: 12, threshold: 0.2, dfunc: "cosine", maxRootCompare: 64 });
    for (const f of chroma) capped.add(f);
    capped.finish();
    expect(oracleToJson(capped, 1)).toEqual(oracleToJson(buildOracle(chroma, 0.2, "cosine"), 1));
  });
});

describe("WindowedOracle (bounded for days)", () => {
  // Cosine chroma, and euclidean (where kept distances and the norm bound skip work):
  // every decision must still be the plain oracle's. The euclidean repeats are scaled by
  // up to +-5%, so they are nearly colinear with what they repeat: their distance is close
  // to their norms' difference, the tightest case for the bound d >= |norm x - norm y|.
  const rand = lcg(3);
  const euclideanStream = Array.from({ length: 1000 }, (_, t) => {
    const scale = 2 * (1 + 0.1 * (rand() - 0.5));
    return chroma[(t % 40) * 7]!.map((v) => scale * v + 0.002 * rand());
  });
  const cases = [
    { dfunc: "cosine", threshold: 0.2, stream: Array.from({ length: 1000 }, (_, t) => chroma[t % chroma.length]!) },
    { dfunc: "euclidean", threshold: 0.1, stream: euclideanStream },
  ] as const;
  it.each(cases)("serves an oracle identical to one built on just the frames it holds, never more than the window ($dfunc)", ({ dfunc, threshold, stream }) => {
    const window = 100;
    const w = new WindowedOracle({ dim: 12, threshold, dfunc, window, maxRootCompare: 0 });
    for (let t = 0; t < stream.length; t++) {
      w.add(stream[t]!);
      const { oracle, start } = w.current;
      const held = oracle.nStates - 1;
      expect(held).toBeLessThanOrEqual(window);
      expect(start + held).toBe(t + 1);
      if (t > window) expect(held).toBeGreaterThanOrEqual(window / 2);
      if (t % 97 === 0) {
        const fresh = buildOracle(stream.slice(start, t + 1), threshold, dfunc);
        for (let s = 1; s <= held; s++) {
          expect([oracle.sfxOf(s), oracle.lrsOf(s), oracle.irCum3Of(s - 1)]).toEqual([fresh.sfxOf(s), fresh.lrsOf(s), fresh.irCum3Of(s - 1)]);
        }
      }
    }
  });
});

describe("OracleListener", () => {
  it("runs every bank oracle with the bounded window by default", () => {
    const listener = new OracleListener({ dim: 12, thresholds: [0.2] });
    const bank = (listener as unknown as { bank: WindowedOracle[] }).bank;
    expect(bank[0]!.window).toBe(WindowedOracle.DEFAULT_WINDOW);
    const small = new OracleListener({ dim: 12, thresholds: [0.2], window: 64 });
    for (let t = 0; t < 500; t++) small.add(chroma[t % 300]!);
    const w = (small as unknown as { bank: WindowedOracle[] }).bank[0]!;
    expect(w.current.oracle.nStates - 1).toBeLessThanOrEqual(64);
  });

  it("reports a motif when a repeated segment closes, pointing at its earlier occurrence", () => {
    const rand = lcg(7);
    const motif = Array.from({ length: 20 }, () => Array.from({ length: 12 }, rand));
    const noise = () => Array.from({ length: 30 }, () => Array.from({ length: 12 }, rand));
    const stream = [...noise(), ...motif, ...noise(), ...motif, ...noise()];
    const listener = new OracleListener({ dim: 12, dfunc: "euclidean", thresholds: [0.05], minMotif: 8 });
    const events: MotifEvent[] = [];
    listener.onMotif((m) => events.push(m));
    for (const f of stream) listener.add(f);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ start: 80, length: 20, earlierStart: 30, threshold: 0.05 });
  });

  it("chooses the threshold with the highest recent IR, without flickering", () => {
    const listener = new OracleListener({ dim: 12, dfunc: "cosine", choiceWindow: 100, switchHold: 20 });
    const chosen: number[] = [];
    for (let t = 0; t < 1200; t++) chosen.push(listener.add(chroma[t % 300]!).threshold);
    const switches = chosen.filter((v, i) => i > 0 && v !== chosen[i - 1]).length;
    expect(switches).toBeGreaterThan(0);
    expect(switches).toBeLessThan(10);
    // Settled: the chosen threshold's windowed IR is within the margin of the best.
    const ir = Array.from(listener.state.windowedIr);
    const k = listener.thresholds.indexOf(listener.state.threshold);
    expect(ir[k]! * 1.1).toBeGreaterThanOrEqual(Math.max(...ir));
  });

  it("exposes sfx, causal IR and the latest settled cum IR after every frame, as vmo computes them", () => {
    const listener = new OracleListener({ dim: 12, thresholds: [0.2], window: 10_000 });
    const full = buildOracle(chroma, 0.2, "cosine");
    let lastSettled = -1;
    for (let t = 0; t < chroma.length; t++) {
      const st = listener.add(chroma[t]!);
      expect(st.ir).toBe(full.irCum3Of(t));
      expect(st.lrs).toBe(full.lrsOf(t + 1));
      const s = full.sfxOf(t + 1)!;
      expect(st.sfx).toBe(s === 0 ? -1 : s - 1);
      expect(st.settledFrame).toBeGreaterThanOrEqual(lastSettled);
      lastSettled = st.settledFrame;
      if (st.settledFrame >= 0) expect(st.settledIr).toBe(full.irCumOf(st.settledFrame));
    }
    expect(lastSettled).toBeGreaterThan(200);
  });

  it("keeps the per-frame state in one object (no allocation for the reader)", () => {
    const listener = new OracleListener({ dim: 12, thresholds: [0.1, 0.2] });
    const a = listener.add(chroma[0]!), b = listener.add(chroma[1]!);
    expect(a).toBe(b);
    expect(b.frame).toBe(1);
  });

  it("measures recurrence over a sliding window", () => {
    const listener = new OracleListener({ dim: 12, thresholds: [0.2] });
    for (const f of chroma) listener.add(f);
    const window = listener.recurrence(120, "rsfx");
    expect(window.N).toBe(120);
    expect(window.RR).toBeGreaterThan(0);
    expect(window.DET).toBeGreaterThan(0.5);
    // The last 120 frames of the full oracle, measured directly, agree.
    const full = buildOracle(chroma, 0.2, "cosine");
    const labels = Array.from({ length: 120 }, (_, r) => full.symbolOf(181 + r));
    let points = 0;
    for (let r = 0; r < 120; r++) for (let c = 0; c < 120; c++) if (r !== c && labels[r] === labels[c]) points++;
    expect(window.recurrent_points_offdiag).toBe(points);
  });
});

describe("shared frames (one distance per frame pair for a whole bank)", () => {
  // Euclidean MFCC-like frames, root cap 64: the small thresholds see every frame as new
  // (so the cap binds), the large ones repeat. Cosine chroma, no cap: every threshold
  // walks the whole root. A 300-frame window hands over several times in both.
  const mfccLike = Array.from({ length: 1000 }, (_, t) => {
    const rand = lcg(7 + (t % 37) * 13 + Math.floor(t / 250));
    return Array.from({ length: 20 }, (_, k) => Math.sin(t / (3 + k)) * 3 + rand() * 0.8);
  });
  const chromaStream = Array.from({ length: 900 }, (_, t) => chroma[(t * 7) % chroma.length]!);
  const cases = [
    { name: "euclidean, root cap 64", dim: 20, dfunc: "euclidean", frames: mfccLike, thresholds: [0.3, 0.6, 1.2, 2.4, 4.8], cap: 64 },
    { name: "cosine, no root cap", dim: 12, dfunc: "cosine", frames: chromaStream, thresholds: [0.02, 0.05, 0.1, 0.2, 0.4], cap: 0 },
  ] as const;

  for (const c of cases) {
    it(`gives every oracle of a bank exactly the states it has alone (${c.name})`, () => {
      const options = { dim: c.dim, dfunc: c.dfunc, window: 300, maxRootCompare: c.cap };
      const bank = new OracleListener({ ...options, thresholds: [...c.thresholds] });
      const alone = c.thresholds.map((threshold) => new WindowedOracle({ ...options, threshold }));
      const windows = (bank as unknown as { bank: WindowedOracle[] }).bank;
      for (const f of c.frames) {
        bank.add(f);
        for (let k = 0; k < c.thresholds.length; k++) {
          alone[k]!.add(f);
          const a = windows[k]!.current, b = alone[k]!.current;
          const s = a.oracle.nStates - 1;
          expect([a.start, s, a.oracle.sfxOf(s), a.oracle.lrsOf(s), a.oracle.symbolOf(s), a.oracle.irCum3Of(s - 1)])
            .toEqual([b.start, b.oracle.nStates - 1, b.oracle.sfxOf(s), b.oracle.lrsOf(s), b.oracle.symbolOf(s), b.oracle.irCum3Of(s - 1)]);
        }
      }
      // ... while computing each distance once: the bank does a fraction of the work.
      const count = (ws: WindowedOracle[]) => ws.reduce((n, w) => n + w.current.oracle.distancesComputed, 0);
      expect(count(windows)).toBeLessThan(0.7 * count(alone));
    });
  }

  it("answers from the run of recent new frames exactly as the full root scan does", () => {
    // 40 random frames (new under both thresholds), near-copies of frames 35-37 (new
    // under 0.05, repeats under 0.5), then a near-copy of frame 34. With a root cap of 8,
    // the two oracles' last root targets are two different runs of consecutive frames:
    // 0.5's is 33-40 (the copies repeat, so they are no root targets), 0.05's is 36-43.
    // Frame 34 is in 0.5's run only, so only the right run's answer finds it.
    const rand = lcg(11);
    const random = Array.from({ length: 40 }, () => Array.from({ length: 20 }, rand));
    const near = (f: number[]) => f.map((v) => v + 0.1 * (rand() - 0.5));
    const frames = [...random, near(random[34]!), near(random[35]!), near(random[36]!), near(random[33]!), ...Array.from({ length: 5 }, () => Array.from({ length: 20 }, rand))];
    const thresholds = [0.05, 0.5];
    const bank = new OracleListener({ dim: 20, dfunc: "euclidean", thresholds, window: 1000, maxRootCompare: 8 });
    const plain = thresholds.map((threshold) => new VariableMarkovOracle({ dim: 20, threshold, dfunc: "euclidean", maxRootCompare: 8 }));
    for (const f of frames) {
      bank.add(f);
      for (const o of plain) o.add(f);
    }
    const windows = (bank as unknown as { bank: WindowedOracle[] }).bank;
    for (let k = 0; k < thresholds.length; k++) {
      const o = windows[k]!.current.oracle, p = plain[k]!;
      const states = Array.from({ length: p.nStates - 1 }, (_, i) => i + 1);
      expect(states.map((s) => [o.sfxOf(s), o.lrsOf(s)])).toEqual(states.map((s) => [p.sfxOf(s), p.lrsOf(s)]));
    }
    expect(plain[1]!.sfxOf(44)).toBe(34); // the near-copy of frame 34 repeats it under 0.5
    expect(plain[0]!.sfxOf(44)).toBe(0); // and is new under 0.05
  });

  it("refuses frames that bypass the bank, and bad frames, in one sentence", () => {
    const bank = new OracleListener({ dim: 3, dfunc: "euclidean", thresholds: [0.1, 0.2], window: 16 });
    const w = (bank as unknown as { bank: WindowedOracle[] }).bank[0]!;
    expect(() => w.add([1, 2, 3])).toThrow(/takes its frames from its bank/);
    expect(() => w.current.oracle.add([1, 2, 3])).toThrow(/takes its frames from its bank/);
    expect(() => bank.add([1, NaN, 3])).toThrow(/frame value 1 is NaN/);
    expect(() => bank.add([1, 2])).toThrow(/frame has 2 values/);
    expect(bank.add([1, 2, 3]).frame).toBe(0); // nothing was half-added
  });
});

describe("disposing a bank", () => {
  it("gives its memory back for the next one (a restarted stage does not add to memory)", () => {
    const cycle = () => {
      const l = new OracleListener({ dim: 12, thresholds: [0.05, 0.1, 0.2, 0.4], window: 400 });
      for (let t = 0; t < 700; t++) l.add(chroma[t % chroma.length]!); // past a hand-over: serving, next and spare
      l.dispose();
    };
    const before = liveOracleObjects();
    for (let k = 0; k < 3; k++) cycle(); // the instance grows to what one bank needs
    const settled = oracleMemoryBytes();
    for (let k = 0; k < 20; k++) cycle();
    expect(liveOracleObjects()).toBe(before); // every oracle and the shared frames released
    expect(oracleMemoryBytes()).toBe(settled);
  });
});
