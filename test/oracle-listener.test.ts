// The oracle for live use: bounded windows, the root cap, the threshold bank and motifs.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildOracle, oracleToJson } from "../src/oracle/analysis.ts";
import { OracleListener, WindowedOracle, type MotifEvent } from "../src/oracle/listener.ts";
import { VariableMarkovOracle } from "../src/oracle/oracle.ts";
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
  it("serves an oracle identical to one built on just the frames it holds, never more than the window", () => {
    const window = 100;
    const w = new WindowedOracle({ dim: 12, threshold: 0.2, dfunc: "cosine", window, maxRootCompare: 0 });
    const stream = Array.from({ length: 1000 }, (_, t) => chroma[t % chroma.length]!);
    for (let t = 0; t < stream.length; t++) {
      w.add(stream[t]!);
      const { oracle, start } = w.current;
      const held = oracle.nStates - 1;
      expect(held).toBeLessThanOrEqual(window);
      expect(start + held).toBe(t + 1);
      if (t > window) expect(held).toBeGreaterThanOrEqual(window / 2);
      if (t % 97 === 0) {
        const fresh = buildOracle(stream.slice(start, t + 1), 0.2, "cosine");
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
