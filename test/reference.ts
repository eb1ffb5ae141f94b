// Reads the librosa reference cases in ../shared/reference/dsp (see its README).
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decodeWav } from "../src/audio/wav.ts";

/** ../shared beside the repository (as CI lays it out), or $MOODWIRE_SHARED. */
export const SHARED_DIR = process.env.MOODWIRE_SHARED ?? fileURLToPath(new URL("../../shared/", import.meta.url));
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
