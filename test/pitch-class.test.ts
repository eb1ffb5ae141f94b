// The pitch-class profile: the kernel's semitone-peak descriptor.
import { describe, expect, it } from "vitest";
import { chord } from "./chord.ts";
import { analyzeSignal } from "../src/dsp/kernels.ts";

const sr = 16000;


function meanProfile(x: Float32Array, nFft: number, which: "pitchClass"): number[] {
  const m = analyzeSignal(x, { sampleRate: sr, nFft, hop: 500, nMels: 16, nMfcc: 4 });
  const [at] = m.layout[which], sum = new Array(12).fill(0);
  for (let k = 0; k < m.frames; k++) for (let j = 0; j < 12; j++) sum[j] += m.data[k * m.layout.stride + at + j]! / m.frames;
  return sum;
}

const top3 = (p: number[]) => p.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 3).map(([, i]) => i).sort((a, b) => a - b);

describe("pitch-class profile", () => {
  it("finds the notes of a bass-register triad, minor and major", () => {
    // C minor in close position around C3: C3 Eb3 G3 (131, 156, 196 Hz).
    const x = chord([48, 51, 55], 2);
    expect(top3(meanProfile(x, 8192, "pitchClass"))).toEqual([0, 3, 7]);
    // C major, same register: the third moves and the profile follows.
    const y = chord([48, 52, 55], 2);
    expect(top3(meanProfile(y, 8192, "pitchClass"))).toEqual([0, 4, 7]);
    // F# (a tritone from the root) is no note and no partial: a tenth of a chord note at most.
    expect(meanProfile(x, 8192, "pitchClass")[6]).toBeLessThan(0.1);
  });

  it("is scaled so the strongest class is 1, and silence is all zeros", () => {
    const m = analyzeSignal(chord([60], 1), { sampleRate: sr, nFft: 4096, hop: 500, nMels: 16, nMfcc: 4 });
    const [at] = m.layout.pitchClass, row = m.data.subarray(m.layout.stride * 5 + at, m.layout.stride * 5 + at + 12);
    expect(Math.max(...row)).toBeCloseTo(1, 6);
    expect(row.indexOf(Math.max(...row))).toBe(0); // C
    const silent = analyzeSignal(new Float32Array(sr), { sampleRate: sr, nFft: 4096, hop: 500, nMels: 16, nMfcc: 4 });
    expect(Array.from(silent.data.subarray(silent.layout.pitchClass[0], silent.layout.pitchClass[0] + 12))).toEqual(new Array(12).fill(0));
  });
});

