// Reads the librosa reference cases in ../shared/reference/dsp (see its README).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeWav } from "../src/audio/wav.ts";

/**
 * The reference data: $MOODWIRE_SHARED, else ../shared beside the repository (as CI lays it
 * out), else ../shared beside the checkout this one was cloned from (a scratch clone of a
 * local working copy, e.g. in /tmp).
 */
function findShared(): string {
  if (process.env.MOODWIRE_SHARED) return process.env.MOODWIRE_SHARED;
  const beside = fileURLToPath(new URL("../../shared/", import.meta.url));
  if (existsSync(join(beside, "reference"))) return beside;
  try {
    const origin = execFileSync("git", ["config", "--get", "remote.origin.url"], { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8" }).trim();
    const local = origin.replace(/^file:\/\//, "");
    if (isAbsolute(local)) {
      const besideOrigin = join(dirname(resolve(local)), "shared") + "/";
      if (existsSync(join(besideOrigin, "reference"))) return besideOrigin;
    }
  } catch { /* not a git checkout, or no origin */ }
  return beside;
}

export const SHARED_DIR = findShared();
export const REFERENCE_DIR = SHARED_DIR.replace(/\/?$/, "/") + "reference/dsp/";

export interface ReferenceCase {
  name: string;
  wavPath: string;
  samples: Float32Array;
  sr: number;
  n_fft: number;
  hop: number;
  n_mels: number;
  n_mfcc: number;
  fmin: number;
  fmax: number;
  frames: number;
  mel_filterbank: number[][];
  logmel: number[][];
  mfcc: number[][];
  chroma: number[][];
  spectral_centroid_hz: number[];
  rms: number[];
}

export function referenceCases(): ReferenceCase[] {
  return readdirSync(REFERENCE_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const name = f.slice(0, -5);
      const json = JSON.parse(readFileSync(REFERENCE_DIR + f, "utf8"));
      const wavPath = REFERENCE_DIR + name + ".wav";
      return { ...json, name, wavPath, samples: decodeWav(readFileSync(wavPath)).samples };
    });
}

export function dspOptions(c: ReferenceCase) {
  return { sampleRate: c.sr, nFft: c.n_fft, hop: c.hop, nMels: c.n_mels, nMfcc: c.n_mfcc, fmin: c.fmin, fmax: c.fmax };
}
