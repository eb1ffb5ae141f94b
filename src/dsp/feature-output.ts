// Turns a FeatureMatrix into the analyze command's JSON or CSV. Feature names on the
// command line map to output keys here, in one table.

import type { FeatureMatrix } from "./kernels.ts";
import type { FrameLayout } from "./frame.ts";

export const FEATURES = {
  logmel: { key: "logmel", column: (l: FrameLayout) => l.logmel },
  mfcc: { key: "mfcc", column: (l: FrameLayout) => l.mfcc },
  chroma: { key: "chroma", column: (l: FrameLayout) => l.chroma },
  centroid: { key: "spectral_centroid_hz", column: (l: FrameLayout) => l.centroid },
  rms: { key: "rms", column: (l: FrameLayout) => l.rms },
  flux: { key: "spectral_flux", column: (l: FrameLayout) => l.flux },
  onset: { key: "onset_strength", column: (l: FrameLayout) => l.onset },
  pitchclass: { key: "pitch_class", column: (l: FrameLayout) => l.pitchClass },
  semitones: { key: "semitones", column: (l: FrameLayout) => l.semitones },
} as const;

export type FeatureName = keyof typeof FEATURES;
export const FEATURE_NAMES = Object.keys(FEATURES) as FeatureName[];

export function parseFeatureList(list: string): FeatureName[] {
  const names = list.split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(n in FEATURES)) throw new Error(`unknown feature "${n}" (choose from ${FEATURE_NAMES.join(", ")})`);
  }
  if (names.length === 0) throw new Error("--features needs at least one feature");
  return names as FeatureName[];
}

/** Shortest decimal that reads back as the same float32. */
function f32(v: number): number {
  return Number.parseFloat(v.toPrecision(9));
}

/** The analyze JSON object: { sr, n_fft, hop, frames, <feature>: [...] }. */
export function featuresToJson(m: FeatureMatrix, features: FeatureName[]): Record<string, unknown> {
  const { config, layout, frames, data } = m;
  const out: Record<string, unknown> = {
    sr: config.sampleRate, n_fft: config.nFft, hop: config.hop, n_mels: config.nMels, n_mfcc: config.nMfcc,
    fmin: config.fmin, fmax: config.fmax, frames,
  };
  for (const name of features) {
    const { key, column } = FEATURES[name];
    const col = column(layout);
    if (typeof col === "number") {
      out[key] = Array.from({ length: frames }, (_, k) => f32(data[k * layout.stride + col]!));
    } else {
      const [offset, length] = col;
      out[key] = Array.from({ length: frames }, (_, k) => {
        const base = k * layout.stride + offset;
        return Array.from(data.subarray(base, base + length), f32);
      });
    }
  }
  return out;
}

/** CSV with one row per frame: frame, time_s, then each feature's columns. */
export function featuresToCsv(m: FeatureMatrix, features: FeatureName[]): string {
  const { config, layout, frames, data } = m;
  const header = ["frame", "time_s"];
  for (const name of features) {
    const { key, column } = FEATURES[name];
    const col = column(layout);
    if (typeof col === "number") header.push(key);
    else for (let i = 0; i < col[1]; i++) header.push(`${key}_${i}`);
  }
  const lines = [header.join(",")];
  for (let k = 0; k < frames; k++) {
    const cells: (string | number)[] = [k, f32((k * config.hop) / config.sampleRate)];
    for (const name of features) {
      const col = FEATURES[name].column(layout);
      if (typeof col === "number") cells.push(f32(data[k * layout.stride + col]!));
      else for (let i = 0; i < col[1]; i++) cells.push(f32(data[k * layout.stride + col[0] + i]!));
    }
    lines.push(cells.join(","));
  }
  return lines.join("\n") + "\n";
}
