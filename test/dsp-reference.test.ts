// The kernels against librosa 0.10.1 (../shared/reference/dsp), with the bars.
import { describe, expect, it } from "vitest";
import { analyzeSignal, FeatureExtractor } from "../src/dsp/kernels.ts";
import { dspOptions, referenceCases } from "./reference.ts";

/** Largest error divided by its allowed error (<= 1 passes), with where it happened. */
function worst(actual: (k: number, i: number) => number, expected: number[][], allowed: (ref: number) => number) {
  let ratio = 0, where = "";
  expected.forEach((row, k) => row.forEach((ref, i) => {
    const r = Math.abs(actual(k, i) - ref) / allowed(ref);
    if (!(r <= ratio)) { ratio = r; where = `frame ${k} bin ${i}: got ${actual(k, i)}, librosa ${ref}`; }
  }));
  return { ratio, where };
}

const cases = referenceCases();

describe.each(cases.map((c) => [c.name, c] as const))("librosa reference %s", (_name, c) => {
  const m = analyzeSignal(c.samples, dspOptions(c));
  const { stride } = m.layout;
  const at = (offset: number) => (k: number, i: number) => m.data[k * stride + offset + i]!;

  it("has the same number of causal frames", () => {
    expect(m.frames).toBe(c.frames);
  });

  it("builds the same mel filterbank (float32 weights, reference rounded to 7 decimals)", () => {
    const fb = new FeatureExtractor(dspOptions(c)).melFilterbank();
    const w = worst((m2, k) => fb[m2]![k]!, c.mel_filterbank, () => 5.1e-8);
    expect(w.ratio, w.where).toBeLessThanOrEqual(1);
  });

  it("log-mel within 1e-3 dB", () => {
    const w = worst(at(m.layout.logmel[0]), c.logmel, () => 1e-3);
    expect(w.ratio, w.where).toBeLessThanOrEqual(1);
  });

  it("MFCC within 1e-3 + 1e-5*|value|", () => {
    const w = worst(at(m.layout.mfcc[0]), c.mfcc, (ref) => 1e-3 + 1e-5 * Math.abs(ref));
    expect(w.ratio, w.where).toBeLessThanOrEqual(1);
  });

  it("chroma within 1e-4", () => {
    const w = worst(at(m.layout.chroma[0]), c.chroma, () => 1e-4);
    expect(w.ratio, w.where).toBeLessThanOrEqual(1);
  });

  it("spectral centroid within 1e-4 relative", () => {
    const w = worst(at(m.layout.centroid), c.spectral_centroid_hz.map((v) => [v]), (ref) => 1e-4 * Math.abs(ref));
    expect(w.ratio, w.where).toBeLessThanOrEqual(1);
  });

  it("RMS within 1e-6 + 1e-5 relative", () => {
    const w = worst(at(m.layout.rms), c.rms.map((v) => [v]), (ref) => 1e-6 + 1e-5 * Math.abs(ref));
    expect(w.ratio, w.where).toBeLessThanOrEqual(1);
  });

  it("onset strength is the mean rectified log-mel rise (its documented definition)", () => {
    for (let k = 1; k < c.frames; k++) {
      let sum = 0;
      for (let i = 0; i < c.n_mels; i++) sum += Math.max(0, c.logmel[k]![i]! - c.logmel[k - 1]![i]!);
      expect(m.data[k * stride + m.layout.onset]).toBeCloseTo(sum / c.n_mels, 2);
    }
    expect(m.data[m.layout.onset]).toBe(0);
  });
});
