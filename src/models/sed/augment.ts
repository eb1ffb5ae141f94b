// Training-time augmentation of SED patches: a class has only 4 to 11 training recordings,
// so the model learns those recordings rather than the class (validation F1 0.85 on scenes
// of training sources, 0.51 on unseen ones). Each training patch is changed the way another
// recording of the same kind of sound would differ, on the log-mel itself (no audio work):
//  - pitch: shifted up or down a few mel bands (a smaller door, a higher bell);
//  - microphone and room: a spectral tilt (brighter or duller) and an overall gain;
//  - company: mixed with another training patch (powers added, labels joined), so events
//    meet other events and other rooms;
//  - SpecAugment (Park et al. 2019): one band of frequencies and one stretch of time hidden.
// Patches are standardised log-mel dB ((dB - mean) / std), so each step converts to dB.

import { randomInt, uniform, type Random } from "../random.ts";
import type { PatchSet } from "./dataset.ts";
import { addPowersDb, type SedFrontEnd } from "./frontend.ts";

export interface AugmentOptions {
  /** Largest pitch shift, mel bands (64 bands from 50 Hz to 8 kHz: one band is about 1.4 semitones up high). */
  shiftBands: number;
  /** Largest tilt: the top band moves this many dB against the bottom one. */
  tiltDb: number;
  /** Largest overall gain change, dB. */
  gainDb: number;
  /** Probability of mixing in a second patch, and its level range against the first, dB. */
  mixProbability: number;
  mixDb: [number, number];
  /** Widest hidden stretch of time (frames) and of frequency (bands). */
  maskFrames: number;
  maskBands: number;
}

export const AUGMENT_DEFAULTS: AugmentOptions = { shiftBands: 3, tiltDb: 6, gainDb: 6, mixProbability: 0.5, mixDb: [-12, 0], maskFrames: 8, maskBands: 6 };

/**
 * Writes an augmented copy of patch `id` of `set` (and its labels) into x at `xAt` and y at
 * `yAt`. Draws everything from `random`, so a seed gives the same training run.
 */
export function augmentPatch(set: PatchSet, id: number, random: Random, f: SedFrontEnd, o: AugmentOptions, x: Float32Array, xAt: number, y: Float32Array, yAt: number): void {
  const n = f.nMels, frames = f.patchFrames, size = frames * n, classes = set.y.length / set.count;
  const source = set.x.subarray(id * size, (id + 1) * size);
  const shift = randomInt(random, -o.shiftBands, o.shiftBands);
  const tilt = uniform(random, -o.tiltDb, o.tiltDb), gain = uniform(random, -o.gainDb, o.gainDb);
  const other = random() < o.mixProbability ? randomInt(random, 0, set.count - 1) : -1;
  const otherLevel = uniform(random, o.mixDb[0], o.mixDb[1]);
  const mixed = other >= 0 ? set.x.subarray(other * size, (other + 1) * size) : undefined;
  const db = (v: number) => v * f.std + f.mean;
  let sum = 0;
  for (let t = 0; t < frames; t++) {
    for (let m = 0; m < n; m++) {
      const from = Math.min(n - 1, Math.max(0, m - shift));
      let value = db(source[t * n + from]!);
      if (mixed) value = addPowersDb(value, db(mixed[t * n + m]!) + otherLevel);
      value += gain + tilt * (m / (n - 1) - 0.5);
      const v = (value - f.mean) / f.std;
      x[xAt + t * n + m] = v;
      sum += v;
    }
  }
  // Hidden parts take the patch's mean, so they carry no level cue.
  const mean = sum / size;
  const t0 = randomInt(random, 0, frames - 1), tw = randomInt(random, 0, o.maskFrames);
  for (let t = t0; t < Math.min(frames, t0 + tw); t++) x.fill(mean, xAt + t * n, xAt + (t + 1) * n);
  const m0 = randomInt(random, 0, n - 1), mw = randomInt(random, 0, o.maskBands);
  for (let t = 0; t < frames; t++) x.fill(mean, xAt + t * n + m0, xAt + t * n + Math.min(n, m0 + mw));
  for (let c = 0; c < classes; c++) {
    y[yAt + c] = Math.max(set.y[id * classes + c]!, other >= 0 ? set.y[other * classes + c]! : 0);
  }
}
