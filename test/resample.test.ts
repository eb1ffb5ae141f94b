// The WASM resampler: a sine keeps its frequency and amplitude, what would alias is rejected,
// streaming in odd block sizes gives the same samples as one call.
import { describe, expect, it } from "vitest";
import { Resampler, resampleSignal } from "../src/dsp/resample.ts";

function sine(freq: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin(2 * Math.PI * freq * i / rate));
}

/** The sine at `freq` fitted to the middle 80% (least squares), and the RMS of what is left. */
function fitSine(x: Float32Array, freq: number, rate: number): { amplitude: number; residualRms: number } {
  let s = 0, c = 0;
  const from = Math.floor(x.length * 0.1), to = Math.floor(x.length * 0.9);
  for (let i = from; i < to; i++) {
    s += x[i]! * Math.sin(2 * Math.PI * freq * i / rate);
    c += x[i]! * Math.cos(2 * Math.PI * freq * i / rate);
  }
  s *= 2 / (to - from);
  c *= 2 / (to - from);
  let residual = 0;
  for (let i = from; i < to; i++) {
    const e = x[i]! - s * Math.sin(2 * Math.PI * freq * i / rate) - c * Math.cos(2 * Math.PI * freq * i / rate);
    residual += e * e;
  }
  return { amplitude: Math.hypot(s, c), residualRms: Math.sqrt(residual / (to - from)) };
}

function rms(x: Float32Array): number {
  let a = 0;
  const from = Math.floor(x.length * 0.1), to = Math.floor(x.length * 0.9);
  for (let i = from; i < to; i++) a += x[i]! * x[i]!;
  return Math.sqrt(a / (to - from));
}

describe("resampler", () => {
  for (const [from, to, freq] of [[44100, 16000, 1000], [48000, 16000, 3000], [22050, 16000, 440], [16000, 44100, 1000], [8000, 16000, 2500]]) {
    it(`${from} -> ${to} Hz keeps a ${freq} Hz sine (frequency, amplitude, length)`, () => {
      const out = resampleSignal(sine(freq, from, 1), from, to);
      expect(out.length).toBe(to);
      const { amplitude, residualRms } = fitSine(out, freq, to);
      expect(amplitude).toBeCloseTo(0.5, 3);
      // Everything else (distortion, images, noise) is far below the sine.
      expect(20 * Math.log10(residualRms / 0.354)).toBeLessThan(-70);
    });
  }

  it("starts in phase: no delay, the first samples follow the input", () => {
    const out = resampleSignal(sine(200, 48000, 0.1), 48000, 16000);
    const expected = sine(200, 16000, 0.1);
    for (let i = 40; i < 1000; i++) expect(Math.abs(out[i]! - expected[i]!)).toBeLessThan(1e-3);
  });

  for (const freq of [9000, 12000, 20000]) {
    it(`rejects a ${freq} Hz sine above the new Nyquist frequency (44.1 kHz -> 16 kHz) by 80 dB`, () => {
      const out = resampleSignal(sine(freq, 44100, 1), 44100, 16000);
      expect(20 * Math.log10(rms(out) / 0.354)).toBeLessThan(-80);
    });
  }

  it("streams: odd block sizes give exactly the samples of one call", () => {
    const x = sine(1234, 44100, 0.5);
    const whole = resampleSignal(x, 44100, 16000);
    const r = new Resampler(44100, 16000, 512);
    const parts: number[] = [];
    const sizes = [1, 7, 128, 1000, 333, 4096];
    for (let at = 0, k = 0; at < x.length; k++) {
      const n = Math.min(sizes[k % sizes.length]!, x.length - at);
      r.push(x.subarray(at, at + n), (b) => parts.push(...b));
      at += n;
    }
    r.flush((b) => parts.push(...b));
    expect(parts.length).toBe(whole.length);
    // Equal but for float rounding of the fractional read position after each block.
    expect(Math.max(...parts.map((v, i) => Math.abs(v - whole[i]!)))).toBeLessThan(1e-6);
  });

  it("turns NaN into silence and rejects impossible rates", () => {
    const x = sine(500, 32000, 0.2);
    x[1000] = NaN;
    const out = resampleSignal(x, 32000, 16000);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(() => new Resampler(0, 16000)).toThrow(/input sample rate must be from 1000/);
  });
});
