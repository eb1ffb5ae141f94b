// The benchmark's plain-TypeScript peer: the same per-frame algorithm as the WASM
// kernels (periodic Hann, power spectrum, Slaney mel, log-mel, DCT-II MFCC, chroma,
// centroid, RMS, flux, onset, pitch-class profile), written the way a careful JS programmer would: fft.js
// (radix-4), float64 typed arrays allocated once, nothing allocated per frame.
// Filterbank tables come from the kernel (setup is not what is timed).

import { createRequire } from "node:module";
import { FeatureExtractor } from "../../src/dsp/kernels.ts";
import type { DspOptions } from "../../src/dsp/config.ts";
import { N_SEMITONES, PITCH_CLASS_HIGH, SEMITONE_LOW } from "../../src/dsp/frame.ts";

const FFT = createRequire(import.meta.url)("fft.js") as new (n: number) => {
  createComplexArray(): number[];
  realTransform(out: ArrayLike<number>, input: ArrayLike<number>): void;
};

export class PlainTsAnalyzer {
  readonly stride: number;
  private readonly n: number;
  private readonly nBins: number;
  private readonly nMels: number;
  private readonly nMfcc: number;
  private readonly fft;
  private readonly spectrum: Float64Array;
  private readonly frame = new Float64Array(0);
  private readonly window: Float64Array;
  private readonly melStart: Int32Array;
  private readonly melLength: Int32Array;
  private readonly melWeights: Float64Array[];
  private readonly chroma: Float64Array[];
  private readonly dct: Float64Array;
  private readonly freq: Float64Array;
  private power: Float64Array;
  private magnitude: Float64Array;
  private previousMagnitude: Float64Array;
  private logmel: Float64Array;
  private previousLogmel: Float64Array;
  private framesDone = 0;
  /** Semitone and pitch-class profiles: each semitone's bin range, C2 (MIDI 36) to C7, as the kernel's. */
  private readonly pitchFirst: Int32Array;
  private readonly pitchLast: Int32Array;
  readonly row: Float32Array;

  constructor(options: DspOptions) {
    const kernel = new FeatureExtractor(options, { maxBlock: 1 });
    const { nFft, nMels, nMfcc, sampleRate } = kernel.config;
    this.n = nFft;
    this.nBins = nFft / 2 + 1;
    this.nMels = nMels;
    this.nMfcc = nMfcc;
    this.stride = nMels + nMfcc + 12 + 4 + 12 + N_SEMITONES;
    this.fft = new FFT(nFft);
    this.spectrum = Float64Array.from(this.fft.createComplexArray());
    this.frame = new Float64Array(nFft);
    this.window = Float64Array.from({ length: nFft }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / nFft));
    const mel = kernel.melFilterbank();
    this.melStart = new Int32Array(nMels);
    this.melLength = new Int32Array(nMels);
    this.melWeights = mel.map((row, m) => {
      const first = row.findIndex((w) => w !== 0);
      const last = row.findLastIndex((w) => w !== 0);
      this.melStart[m] = Math.max(0, first);
      this.melLength[m] = first < 0 ? 0 : last - first + 1;
      return Float64Array.from(row.subarray(this.melStart[m], this.melStart[m]! + this.melLength[m]!));
    });
    this.chroma = kernel.chromaFilterbank().map((row) => Float64Array.from(row));
    this.dct = new Float64Array(nMfcc * nMels);
    for (let k = 0; k < nMfcc; k++) {
      const scale = Math.sqrt((k === 0 ? 1 : 2) / nMels);
      for (let i = 0; i < nMels; i++) this.dct[k * nMels + i] = scale * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * nMels));
    }
    this.freq = Float64Array.from({ length: this.nBins }, (_, k) => (k * sampleRate) / nFft);
    this.power = new Float64Array(this.nBins);
    this.magnitude = new Float64Array(this.nBins);
    this.previousMagnitude = new Float64Array(this.nBins);
    this.logmel = new Float64Array(nMels);
    this.previousLogmel = new Float64Array(nMels);
    this.row = new Float32Array(this.stride);
    const first: number[] = [], last: number[] = [];
    for (let midi = SEMITONE_LOW; midi < SEMITONE_LOW + N_SEMITONES; midi++) {
      const centre = (440 * 2 ** ((midi - 69) / 12) * nFft) / sampleRate, reach = Math.max(0.5, centre * 0.029);
      if (Math.ceil(centre + reach) >= this.nBins) break;
      first.push(Math.floor(centre - reach));
      last.push(Math.ceil(centre + reach));
    }
    this.pitchFirst = Int32Array.from(first);
    this.pitchLast = Int32Array.from(last);
  }

  /** Analyses signal[start, start + n_fft) into this.row. */
  analyze(signal: Float32Array, start: number): Float32Array {
    const { n, nBins, nMels, nMfcc, frame, window, spectrum, power, magnitude, freq, row } = this;
    let sumSquares = 0;
    for (let i = 0; i < n; i++) {
      const x = signal[start + i]!;
      sumSquares += x * x;
      frame[i] = x * window[i]!;
    }
    this.fft.realTransform(spectrum, frame);
    let weighted = 0, total = 0, flux = 0;
    for (let k = 0; k < nBins; k++) {
      const re = spectrum[2 * k]!, im = spectrum[2 * k + 1]!;
      const p = re * re + im * im;
      power[k] = p;
      const m = Math.sqrt(p);
      magnitude[k] = m;
      weighted += freq[k]! * m;
      total += m;
      const rise = m - this.previousMagnitude[k]!;
      if (rise > 0) flux += rise;
    }
    let onset = 0;
    for (let m = 0; m < nMels; m++) {
      const w = this.melWeights[m]!, s = this.melStart[m]!;
      let acc = 0;
      for (let i = 0; i < w.length; i++) acc += w[i]! * power[s + i]!;
      const db = 10 * Math.log10(Math.max(1e-10, acc));
      this.logmel[m] = db;
      row[m] = db;
      const rise = db - this.previousLogmel[m]!;
      if (rise > 0) onset += rise;
    }
    for (let k = 0; k < nMfcc; k++) {
      let acc = 0;
      for (let i = 0; i < nMels; i++) acc += this.dct[k * nMels + i]! * this.logmel[i]!;
      row[nMels + k] = acc;
    }
    let max = 0;
    const c0 = nMels + nMfcc;
    for (let c = 0; c < 12; c++) {
      const w = this.chroma[c]!;
      let acc = 0;
      for (let k = 0; k < nBins; k++) acc += w[k]! * power[k]!;
      row[c0 + c] = acc;
      if (acc > max) max = acc;
    }
    if (max > 0) for (let c = 0; c < 12; c++) row[c0 + c]! /= max;
    const first = this.framesDone++ === 0;
    row[c0 + 12] = total > 0 ? weighted / total : 0;
    row[c0 + 13] = Math.sqrt(sumSquares / n);
    row[c0 + 14] = first ? 0 : flux;
    row[c0 + 15] = first ? 0 : onset / nMels;
    const p0 = c0 + 16;
    const s0 = p0 + 12;
    for (let c = 0; c < 12 + N_SEMITONES; c++) row[p0 + c] = 0;
    let semitoneMax = 0;
    for (let i = 0; i < this.pitchFirst.length; i++) {
      let peak = 0;
      for (let k = this.pitchFirst[i]!; k <= this.pitchLast[i]!; k++) {
        const m = magnitude[k]!, below = k > 0 ? magnitude[k - 1]! : 0, above = k < nBins - 1 ? magnitude[k + 1]! : 0;
        if (m >= below && m >= above && m > peak) peak = m;
      }
      const value = Math.sqrt(peak);
      row[s0 + i] = value;
      semitoneMax = Math.max(semitoneMax, value);
      if (i <= PITCH_CLASS_HIGH - SEMITONE_LOW) row[p0 + (i % 12)] += value; // pitch classes fold C2..C6
    }
    if (semitoneMax > 0) for (let i = 0; i < N_SEMITONES; i++) row[s0 + i]! /= semitoneMax;
    let pitchMax = 0;
    for (let c = 0; c < 12; c++) pitchMax = Math.max(pitchMax, row[p0 + c]!);
    if (pitchMax > 0) for (let c = 0; c < 12; c++) row[p0 + c]! /= pitchMax;
    [this.magnitude, this.previousMagnitude] = [this.previousMagnitude, this.magnitude];
    [this.logmel, this.previousLogmel] = [this.previousLogmel, this.logmel];
    return row;
  }
}
