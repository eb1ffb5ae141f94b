// SED training augmentation (augment.ts): each step does what it says on the log-mel.
import { describe, expect, it } from "vitest";
import { AUGMENT_DEFAULTS, augmentPatch, type AugmentOptions } from "../src/models/sed/augment.ts";
import type { PatchSet } from "../src/models/sed/dataset.ts";
import { SED_FRONTEND } from "../src/models/sed/frontend.ts";
import { seededRandom } from "../src/models/random.ts";

const f = { ...SED_FRONTEND, mean: -60, std: 20 };
const n = f.nMels, size = f.patchFrames * n;
const std = (db: number) => (db - f.mean) / f.std;

/** Two patches: a tone in band 20 (class 0) and one in band 40 (class 1), -100 dB elsewhere. */
function twoTones(): PatchSet {
  const x = new Float32Array(2 * size).fill(std(-100));
  for (let t = 0; t < f.patchFrames; t++) { x[t * n + 20] = std(-20); x[size + t * n + 40] = std(-20); }
  return { x, y: Float32Array.from([1, 0, 0, 1]), count: 2, files: [], annotations: [] };
}

const none: AugmentOptions = { shiftBands: 0, tiltDb: 0, gainDb: 0, mixProbability: 0, mixDb: [0, 0], maskFrames: 0, maskBands: 0 };

function run(o: AugmentOptions, seed = 1, id = 0): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(size), y = new Float32Array(2);
  augmentPatch(twoTones(), id, seededRandom(seed), f, o, x, 0, y, 0);
  return { x, y };
}

const bandOf = (x: Float32Array, t: number) => { const row = Array.from(x.subarray(t * n, (t + 1) * n)); return row.indexOf(Math.max(...row)); };

describe("SED augmentation", () => {
  it("with every step off, gives the patch back", () => {
    const { x, y } = run(none);
    const set = twoTones();
    for (let i = 0; i < size; i++) expect(x[i]).toBeCloseTo(set.x[i]!, 4);
    expect(Array.from(y)).toEqual([1, 0]);
  });

  it("shifts pitch by whole bands, within the limit", () => {
    const bands = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) bands.add(bandOf(run({ ...none, shiftBands: 3 }, seed).x, 5));
    expect([...bands].sort((a, b) => a - b)).toEqual([17, 18, 19, 20, 21, 22, 23]);
  });

  it("tilts and gains by at most the limits, in dB", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { x } = run({ ...none, tiltDb: 6, gainDb: 6 }, seed);
      const change = (x[5 * n + 20]! - std(-20)) * f.std;
      expect(Math.abs(change)).toBeLessThanOrEqual(6 + 3 + 1e-3);
    }
  });

  it("mixing adds the other patch's sound and joins the labels", () => {
    const { x, y } = run({ ...none, mixProbability: 1, mixDb: [0, 0] }, 3);
    // Seed 3 mixes in patch 1 (the band-40 tone): both tones are there, both labels on.
    expect(x[5 * n + 40]! * f.std + f.mean).toBeGreaterThan(-25);
    expect(x[5 * n + 20]! * f.std + f.mean).toBeGreaterThan(-25);
    expect(Array.from(y)).toEqual([1, 1]);
  });

  it("hides at most maskFrames frames and maskBands bands, with the patch's mean", () => {
    const set = twoTones();
    for (let seed = 1; seed <= 20; seed++) {
      const { x } = run({ ...none, maskFrames: 8, maskBands: 6 }, seed);
      let changedFrames = 0;
      for (let t = 0; t < f.patchFrames; t++) if (Math.abs(x[t * n + 20]! - set.x[t * n + 20]!) > 1e-6) changedFrames++;
      // Band 20 changes where time is hidden, or everywhere when band 20 itself is hidden.
      expect(changedFrames <= 8 || changedFrames === f.patchFrames).toBe(true);
    }
  });

  it("is the same for the same seed", () => {
    expect(run(AUGMENT_DEFAULTS, 7).x).toEqual(run(AUGMENT_DEFAULTS, 7).x);
    expect(run(AUGMENT_DEFAULTS, 7).x).not.toEqual(run(AUGMENT_DEFAULTS, 8).x);
  });
});
