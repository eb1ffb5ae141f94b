// The transparent baseline: valence and arousal as linear functions (least squares on the
// training windows) of four descriptors of the same 3 s window:
//   loudness     mean RMS in dB
//   onset rate   mean onset strength (how much new energy arrives)
//   brightness   spectral centroid of the mean log-mel, in mel bands
//   mode         best major minus best minor Krumhansl-Kessler key-profile correlation of the mean pitch-class profile

import { CHANNEL, FRAME_CHANNELS } from "./frontend.ts";

const MAJOR_PROFILE = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR_PROFILE = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

function correlation(a: number[], b: number[]): number {
  const n = a.length, ma = a.reduce((s, v) => s + v, 0) / n, mb = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) { ab += (a[i]! - ma) * (b[i]! - mb); aa += (a[i]! - ma) ** 2; bb += (b[i]! - mb) ** 2; }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/**
 * The key of a 12-bin chroma (C = 0) by Krumhansl-Kessler profile correlation: the tonic of
 * the best-fitting key (major or minor), and the major-vs-minor strength in [-2, 2].
 */
export function estimateKey(chroma: ArrayLike<number>): { tonic: number; strength: number } {
  let major = -1, minor = -1, tonic = 0, best = -2;
  const rotated = new Array<number>(12);
  for (let k = 0; k < 12; k++) {
    for (let i = 0; i < 12; i++) rotated[i] = chroma[(i + k) % 12]!;
    const ma = correlation(rotated, MAJOR_PROFILE), mi = correlation(rotated, MINOR_PROFILE);
    major = Math.max(major, ma);
    minor = Math.max(minor, mi);
    if (Math.max(ma, mi) > best) { best = Math.max(ma, mi); tonic = k; }
  }
  return { tonic, strength: major - minor };
}

/**
 * Triad quality of one 12-bin pitch-class profile (C = 0) at `at`: the best-matching major
 * triad's sum minus the best minor triad's, over all 12 roots (so it does not depend on the
 * key). Positive when the sounding chord is major, negative when minor.
 */
export function triadQuality(profile: ArrayLike<number>, at = 0): number {
  let major = -Infinity, minor = -Infinity;
  for (let r = 0; r < 12; r++) {
    const root = profile[at + r]!, fifth = profile[at + ((r + 7) % 12)]!;
    major = Math.max(major, root + profile[at + ((r + 4) % 12)]! + fifth);
    minor = Math.max(minor, root + profile[at + ((r + 3) % 12)]! + fifth);
  }
  return major - minor;
}

/** Major-vs-minor strength of a 12-bin chroma, in [-2, 2]. */
export function modeStrength(chroma: number[]): number {
  return estimateKey(chroma).strength;
}

export const DESCRIPTORS = ["loudness", "onsetRate", "brightness", "mode"] as const;

/** The four descriptors of raw (unstandardised) frames [from, to). */
export function describeWindow(frames: Float32Array, from: number, to: number): number[] {
  const c = FRAME_CHANNELS, n = Math.max(1, to - from);
  let loudness = 0, onset = 0;
  const mel = new Array(64).fill(0), chroma = new Array(12).fill(0);
  for (let k = Math.max(0, from); k < to; k++) {
    for (let m = 0; m < 64; m++) mel[m] += frames[k * c + CHANNEL.logmel + m]! / n;
    for (let j = 0; j < 12; j++) chroma[j] += frames[k * c + CHANNEL.pitchClass + j]! / n;
    loudness += frames[k * c + CHANNEL.rms]! / n;
    onset += frames[k * c + CHANNEL.onset]! / n;
  }
  const power = mel.map((db) => 10 ** (db / 10));
  const total = power.reduce((s, v) => s + v, 0);
  const centroid = total > 0 ? power.reduce((s, v, m) => s + v * m, 0) / total : 0;
  return [loudness, onset, centroid, modeStrength(chroma)];
}

/** Ordinary least squares with an intercept (normal equations, Gaussian elimination). */
export function fitLinear(x: number[][], y: number[]): number[] {
  const d = x[0]!.length + 1;
  const a = Array.from({ length: d }, () => new Array(d + 1).fill(0));
  x.forEach((row, i) => {
    const r = [1, ...row];
    for (let p = 0; p < d; p++) { for (let q = 0; q < d; q++) a[p]![q] += r[p]! * r[q]!; a[p]![d] += r[p]! * y[i]!; }
  });
  for (let p = 0; p < d; p++) a[p]![p] += 1e-6; // keeps a constant descriptor solvable
  for (let p = 0; p < d; p++) {
    let pivot = p;
    for (let r = p + 1; r < d; r++) if (Math.abs(a[r]![p]) > Math.abs(a[pivot]![p])) pivot = r;
    [a[p], a[pivot]] = [a[pivot]!, a[p]!];
    for (let r = 0; r < d; r++) {
      if (r === p) continue;
      const factor = a[r]![p] / a[p]![p];
      for (let q = p; q <= d; q++) a[r]![q] -= factor * a[p]![q];
    }
  }
  return a.map((row, p) => row[d] / row[p]);
}

export function applyLinear(w: number[], row: number[]): number {
  return Math.max(-1, Math.min(1, row.reduce((s, v, i) => s + v * w[i + 1]!, w[0]!)));
}
