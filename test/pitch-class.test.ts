// The semitone and pitch-class profiles: the kernel's semitone-peak descriptors.
import { describe, expect, it } from "vitest";
import { chord } from "./chord.ts";
import { analyzeSignal } from "../src/dsp/kernels.ts";
import { N_SEMITONES, SEMITONE_LOW } from "../src/dsp/frame.ts";

const sr = 16000;


function meanProfile(x: Float32Array, nFft: number, which: "pitchClass" | "semitones", sampleRate = sr): number[] {
  const m = analyzeSignal(x, { sampleRate, nFft, hop: 500, nMels: 16, nMfcc: 4 });
  const [at, length] = m.layout[which], sum = new Array(length).fill(0);
  for (let k = 0; k < m.frames; k++) for (let j = 0; j < length; j++) sum[j] += m.data[k * m.layout.stride + at + j]! / m.frames;
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


describe("semitone profile", () => {
  const at = (midi: number) => midi - SEMITONE_LOW;

  it("keeps the octave: the same pitch class an octave apart lands in different bins", () => {
    const low = meanProfile(chord([48], 1), 8192, "semitones"), high = meanProfile(chord([72], 1), 8192, "semitones");
    expect(low).toHaveLength(N_SEMITONES);
    expect(low.indexOf(Math.max(...low))).toBe(at(48));
    expect(high.indexOf(Math.max(...high))).toBe(at(72));
    // A harmonic tone's partials show at its octave (x2) and twelfth (x3), nothing below it.
    expect(Math.max(...high.slice(0, at(72) - 1))).toBeLessThan(0.05);
  });

  it("tells a cluster (C3 + Db3) from a plain triad, which the folded profile cannot place in the octave", () => {
    const cluster = meanProfile(chord([48, 49, 52, 55], 2), 8192, "semitones");
    const triad = meanProfile(chord([48, 52, 55], 2), 8192, "semitones");
    expect(cluster[at(49)]).toBeGreaterThan(0.5);
    expect(triad[at(49)]).toBeLessThan(0.05);
  });

  it("is scaled so the strongest semitone is 1; silence and semitones above Nyquist are 0", () => {
    const m = analyzeSignal(chord([67], 1, 0, 4000), { sampleRate: 4000, nFft: 2048, hop: 500, nMels: 16, nMfcc: 4 });
    const [offset, length] = m.layout.semitones, row = m.data.subarray(m.layout.stride * 3 + offset, m.layout.stride * 3 + offset + length);
    expect(Math.max(...row)).toBeCloseTo(1, 6);
    expect(row.indexOf(1)).toBe(at(67));
    // C7 (2093 Hz) is above 4 kHz audio's Nyquist (2 kHz).
    expect(row[at(96)]).toBe(0);
    const silent = analyzeSignal(new Float32Array(sr), { sampleRate: sr, nFft: 4096, hop: 500, nMels: 16, nMfcc: 4 });
    expect(Array.from(silent.data.subarray(silent.layout.semitones[0], silent.layout.semitones[0] + N_SEMITONES))).toEqual(new Array(N_SEMITONES).fill(0));
  });
});
