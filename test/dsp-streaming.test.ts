// Edge cases and the streaming contract of the kernels.
import { describe, expect, it } from "vitest";
import { DspConfigError, resolveDspConfig } from "../src/dsp/config.ts";
import { analyzeSignal, FeatureExtractor, frameCount } from "../src/dsp/kernels.ts";
import { frameFromRow } from "../src/dsp/frame.ts";

const sr = 16000;
const opts = { sampleRate: sr, nFft: 512, hop: 160, nMels: 40, nMfcc: 13 };

function noise(n: number, seed = 1): Float32Array {
  const x = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; x[i] = s / 2 ** 31 - 1; }
  return x;
}

function rows(samples: Float32Array, blockSizes: number[]): Float32Array[] {
  const ex = new FeatureExtractor(opts, { maxBlock: 256 });
  const out: Float32Array[] = [];
  let at = 0, b = 0;
  while (at < samples.length) {
    const n = Math.min(blockSizes[b++ % blockSizes.length]!, samples.length - at);
    ex.push(samples.subarray(at, at + n), (row) => out.push(row.slice()));
    at += n;
  }
  return out;
}

describe("streaming", () => {
  it("gives the same frames whatever the block sizes (1, 128, 1000, odd mixes)", () => {
    const x = noise(sr);
    const whole = rows(x, [x.length]);
    expect(whole.length).toBe(frameCount(x.length, 512, 160));
    for (const sizes of [[1], [128], [1000], [7, 300, 33, 129]]) {
      const r = rows(x, sizes);
      expect(r.length).toBe(whole.length);
      r.forEach((row, k) => expect(Array.from(row)).toEqual(Array.from(whole[k]!)));
    }
  });

  it("numbers frames from 0 and keeps counting across pushes; reset starts over", () => {
    const ex = new FeatureExtractor(opts);
    const seen: number[] = [];
    ex.push(noise(1000), (_r, k) => seen.push(k));
    ex.push(noise(1000, 2), (_r, k) => seen.push(k));
    expect(seen).toEqual(Array.from({ length: frameCount(2000, 512, 160) }, (_, i) => i));
    ex.reset();
    const again: number[] = [];
    ex.push(noise(512), (_r, k) => again.push(k));
    expect(again).toEqual([0]);
  });

  it("silence gives -100 dB log-mel, finite MFCC, zero chroma, centroid and RMS", () => {
    const m = analyzeSignal(new Float32Array(sr), opts);
    expect(m.frames).toBeGreaterThan(0);
    const f = frameFromRow(m.data.subarray(0, m.layout.stride), m.layout, 0, 0);
    expect(Array.from(f.logmel).every((v) => v === -100)).toBe(true);
    expect(Array.from(f.mfcc).every(Number.isFinite)).toBe(true);
    expect(f.mfcc[0]).toBeCloseTo(-100 * Math.sqrt(40), 3);
    expect(Array.from(f.chroma)).toEqual(new Array(12).fill(0));
    expect([f.centroid, f.rms, f.flux, f.onset]).toEqual([0, 0, 0, 0]);
    expect(Array.from(m.data).every(Number.isFinite)).toBe(true);
  });

  it("a single full-scale impulse: flat spectrum, centroid at sr/4, RMS 1/sqrt(n_fft)", () => {
    const x = new Float32Array(512);
    x[256] = 1; // window value 1 at the centre: |X| = 1 in every bin
    const m = analyzeSignal(x, opts);
    expect(m.frames).toBe(1);
    expect(m.data[m.layout.centroid]).toBeCloseTo(sr / 4, 1);
    expect(m.data[m.layout.rms]).toBeCloseTo(1 / Math.sqrt(512), 6);
    expect(Array.from(m.data).every(Number.isFinite)).toBe(true);
  });

  it("a signal shorter than one frame gives zero frames and no error", () => {
    expect(analyzeSignal(noise(511), opts).frames).toBe(0);
    expect(analyzeSignal(new Float32Array(0), opts).frames).toBe(0);
  });

  it("replaces NaN and Inf samples by 0, counts them and remembers the first index", () => {
    const x = noise(4000);
    const clean = x.slice();
    x[1234] = NaN; x[2000] = Infinity; x[3000] = -Infinity;
    clean[1234] = 0; clean[2000] = 0; clean[3000] = 0;
    const m = analyzeSignal(x, opts);
    expect(m.nonFinite).toEqual({ count: 3, firstIndex: 1234 });
    expect(Array.from(m.data).every(Number.isFinite)).toBe(true);
    expect(Array.from(m.data)).toEqual(Array.from(analyzeSignal(clean, opts).data));
  });

  it("spectral flux is 0 on the first frame and rises at an onset", () => {
    const x = new Float32Array(sr);
    for (let i = 8000; i < sr; i++) x[i] = Math.sin((2 * Math.PI * 1000 * i) / sr);
    const m = analyzeSignal(x, opts);
    const flux = Array.from({ length: m.frames }, (_, k) => m.data[k * m.layout.stride + m.layout.flux]!);
    expect(flux[0]).toBe(0);
    const peak = flux.indexOf(Math.max(...flux));
    expect(peak * 160 + 512).toBeGreaterThan(8000);
    expect(peak * 160).toBeLessThan(8000);
  });
});

describe("configuration", () => {
  it("fills defaults (fmax = Nyquist)", () => {
    expect(resolveDspConfig({ sampleRate: 44100 })).toEqual({ sampleRate: 44100, nFft: 2048, hop: 512, nMels: 128, nMfcc: 20, fmin: 0, fmax: 22050 });
  });

  it.each([
    [{ nFft: 1000 }, /power of two/],
    [{ nFft: 128 }, /n_fft must be a whole number from 256 to 8192/],
    [{ hop: 0 }, /hop/],
    [{ hop: 4096 }, /hop/],
    [{ nMfcc: 200 }, /n_mfcc/],
    [{ fmax: 30000 }, /fmax/],
    [{ fmin: -1 }, /fmin/],
  ])("rejects %o with a clear message", (bad, message) => {
    expect(() => resolveDspConfig({ sampleRate: 44100, ...bad })).toThrow(DspConfigError);
    expect(() => resolveDspConfig({ sampleRate: 44100, ...bad })).toThrow(message);
  });

  it("supports every power-of-two FFT size from 256 to 8192", () => {
    for (let n = 256; n <= 8192; n *= 2) {
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = Math.sin((2 * Math.PI * 1000 * i) / 44100);
      const m = analyzeSignal(x, { sampleRate: 44100, nFft: n, hop: n / 4, nMels: 64 });
      expect(m.frames).toBe(1);
      expect(m.data[m.layout.centroid]).toBeGreaterThan(800);
      expect(m.data[m.layout.centroid]).toBeLessThan(1300);
    }
  });
});
