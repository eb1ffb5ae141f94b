// The SED model's fixed front end: moodwire's own log-mel kernel at 16 kHz, cut into
// overlapping patches of about one second. Audio at any other rate is resampled first by
// the WASM resampler. The same code feeds training, evaluation, `analyze --models sed` and
// the streaming SoundEventDetector.

import { FeatureExtractor, frameCount } from "../../dsp/kernels.ts";
import { resampleSignal } from "../../dsp/resample.ts";
import type { FrameTiming } from "./onsets.ts";

export interface SedFrontEnd {
  sampleRate: number;
  nFft: number;
  hop: number;
  nMels: number;
  fmin: number;
  fmax: number;
  /** Frames per model input (64 x 16 ms = about 1 s). */
  patchFrames: number;
  /** Frames between consecutive patches (16 x 16 ms = 0.256 s). */
  patchHop: number;
  /** Input standardisation, measured on the training corpus: (logmel dB - mean) / std. */
  mean: number;
  std: number;
}

export const SED_FRONTEND: SedFrontEnd = {
  sampleRate: 16000, nFft: 1024, hop: 256, nMels: 64, fmin: 50, fmax: 8000,
  patchFrames: 64, patchHop: 16, mean: -60, std: 20,
};

/** Seconds between patches: the time resolution of SED outputs. */
export function patchHopSeconds(f: SedFrontEnd): number {
  return (f.patchHop * f.hop) / f.sampleRate;
}

/** Where log-mel frames are in time: 16 ms apart, each covering 64 ms. */
export function frameTiming(f: SedFrontEnd): FrameTiming {
  return { hop: f.hop / f.sampleRate, span: f.nFft / f.sampleRate };
}

export function createSedExtractor(f: SedFrontEnd): FeatureExtractor {
  return new FeatureExtractor({ sampleRate: f.sampleRate, nFft: f.nFft, hop: f.hop, nMels: f.nMels, nMfcc: Math.min(20, f.nMels), fmin: f.fmin, fmax: f.fmax });
}

/**
 * Log-mel frames (dB, frames x nMels, row-major) of a signal at any rate, and each frame's
 * onset strength from the same kernel pass (for onsets on the attack, onsets.ts).
 */
export function logmelFrames(samples: Float32Array, sampleRate: number, f: SedFrontEnd): { frames: number; data: Float32Array; onsets: Float32Array } {
  const audio = resampleSignal(samples, sampleRate, f.sampleRate);
  const extractor = createSedExtractor(f);
  const [offset, n] = extractor.layout.logmel, onset = extractor.layout.onset;
  const frames = frameCount(audio.length, f.nFft, f.hop);
  const data = new Float32Array(frames * n), onsets = new Float32Array(frames);
  extractor.push(audio, (row, k) => {
    data.set(row.subarray(offset, offset + n), k * n);
    onsets[k] = row[onset]!;
  });
  return { frames, data, onsets };
}

/** Number of patches in `frames` frames (a signal shorter than one patch still gets one, zero-padded). */
export function patchCount(frames: number, f: SedFrontEnd): number {
  return frames <= f.patchFrames ? 1 : Math.floor((frames - f.patchFrames) / f.patchHop) + 1;
}

/**
 * Writes patch p (standardised, patchFrames x nMels) into out at `at`. Frames past the end of
 * the signal are filled with the -100 dB floor, as silence would give.
 */
export function writePatch(logmel: Float32Array, frames: number, p: number, f: SedFrontEnd, out: Float32Array, at: number): void {
  const n = f.nMels, start = p * f.patchHop;
  for (let t = 0; t < f.patchFrames; t++) {
    const frame = start + t;
    for (let m = 0; m < n; m++) {
      const db = frame < frames ? logmel[frame * n + m]! : -100;
      out[at + t * n + m] = (db - f.mean) / f.std;
    }
  }
}

/** Two levels in dB added as powers (two sounds together), computed without overflow. */
export function addPowersDb(a: number, b: number): number {
  const hi = Math.max(a, b), lo = Math.min(a, b);
  return hi + 10 * Math.log10(1 + 10 ** ((lo - hi) / 10));
}

/** Start and end (s) of the audio patch p sees. */
export function patchSpan(p: number, f: SedFrontEnd): [number, number] {
  const start = (p * f.patchHop * f.hop) / f.sampleRate;
  return [start, start + ((f.patchFrames - 1) * f.hop + f.nFft) / f.sampleRate];
}
