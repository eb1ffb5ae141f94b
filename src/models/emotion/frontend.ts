// The emotion model's front end: moodwire's DSP kernel at 16 kHz, 2048-point FFT (7.8 Hz
// bins: enough to tell semitones apart from C3 up, for chroma) and a 500-sample hop
// (32 frames a second, so 0.5 s is exactly 16 frames), each frame reduced to log-mel (64),
// chroma (12), RMS and onset strength. A window is the 3 s (96 frames) ending at the label's
// time: causal, so the live tracker sees exactly what training saw.
//
// Mode is the strongest cue to valence, and a network cannot learn 24 key templates from a
// few hundred pieces, so each window is made key-relative: its mean chroma's key is found
// (Krumhansl-Kessler profiles) and every frame's chroma is rotated so the tonic is bin 0; the
// major-vs-minor strength joins as one more channel.

import { FeatureExtractor, frameCount } from "../../dsp/kernels.ts";
import { resampleSignal } from "../../dsp/resample.ts";
import { estimateKey } from "./baseline.ts";

export interface EmotionFrontEnd {
  sampleRate: number;
  nFft: number;
  hop: number;
  nMels: number;
  windowFrames: number;
  /** Frames between updates (0.5 s). */
  stepFrames: number;
  /** Per-channel standardisation measured on the training pieces. */
  mean: number[];
  std: number[];
}

export const FRAME_CHANNELS = 64 + 12 + 2;
/** What the model sees per frame: the frame channels (chroma key-relative) plus mode strength. */
export const MODEL_CHANNELS = FRAME_CHANNELS + 1;
const CHROMA = 64;

export const EMOTION_FRONTEND: EmotionFrontEnd = {
  sampleRate: 16000, nFft: 2048, hop: 500, nMels: 64, windowFrames: 96, stepFrames: 16,
  mean: new Array(FRAME_CHANNELS).fill(0), std: new Array(FRAME_CHANNELS).fill(1),
};

export function createEmotionExtractor(f: EmotionFrontEnd): FeatureExtractor {
  return new FeatureExtractor({ sampleRate: f.sampleRate, nFft: f.nFft, hop: f.hop, nMels: f.nMels, nMfcc: 20, fmin: 0, fmax: f.sampleRate / 2 });
}

/** Copies one kernel row's emotion channels (raw, unstandardised) into out at `at`. */
export function frameChannels(row: Float32Array, extractor: FeatureExtractor, out: Float32Array, at: number): void {
  const { logmel, chroma, rms, onset } = extractor.layout;
  out.set(row.subarray(logmel[0], logmel[0] + logmel[1]), at);
  out.set(row.subarray(chroma[0], chroma[0] + 12), at + 64);
  out[at + 76] = 20 * Math.log10(Math.max(1e-5, row[rms]!));
  out[at + 77] = row[onset]!;
}

/** Raw channel frames of a whole signal (frames x FRAME_CHANNELS). */
export function emotionFrames(samples: Float32Array, sampleRate: number, f: EmotionFrontEnd): { frames: number; data: Float32Array } {
  const audio = resampleSignal(samples, sampleRate, f.sampleRate);
  const extractor = createEmotionExtractor(f);
  const frames = frameCount(audio.length, f.nFft, f.hop);
  const data = new Float32Array(frames * FRAME_CHANNELS);
  extractor.push(audio, (row, k) => frameChannels(row, extractor, data, k * FRAME_CHANNELS));
  return { frames, data };
}

/** Index of the last frame that has ended by time t (s); -1 if none. */
export function lastFrameAt(t: number, f: EmotionFrontEnd): number {
  return Math.floor((t * f.sampleRate - f.nFft) / f.hop + 1e-9);
}

/**
 * The model input for one window. raw: windowFrames x FRAME_CHANNELS in time order, of which
 * the last `valid` frames are real (earlier ones, before the signal began, become 0: the
 * mean). Writes windowFrames x MODEL_CHANNELS standardised values into out at `at`.
 */
export function prepareWindow(raw: Float32Array, valid: number, f: EmotionFrontEnd, out: Float32Array, at: number, chroma = new Float64Array(12)): void {
  const c = FRAME_CHANNELS, m = MODEL_CHANNELS, first = f.windowFrames - Math.min(valid, f.windowFrames);
  chroma.fill(0);
  for (let w = first; w < f.windowFrames; w++) for (let j = 0; j < 12; j++) chroma[j]! += raw[w * c + CHROMA + j]!;
  const { tonic, strength } = estimateKey(chroma);
  for (let w = 0; w < f.windowFrames; w++) {
    const o = at + w * m;
    if (w < first) {
      out.fill(0, o, o + c);
    } else {
      for (let j = 0; j < CHROMA; j++) out[o + j] = (raw[w * c + j]! - f.mean[j]!) / f.std[j]!;
      // Key-relative chroma: bin 0 is the tonic.
      for (let j = 0; j < 12; j++) out[o + CHROMA + j] = (raw[w * c + CHROMA + ((j + tonic) % 12)]! - f.mean[CHROMA + j]!) / f.std[CHROMA + j]!;
      for (let j = CHROMA + 12; j < c; j++) out[o + j] = (raw[w * c + j]! - f.mean[j]!) / f.std[j]!;
    }
    out[o + c] = valid > 0 ? strength : 0;
  }
}

/**
 * The model input for the window ending at frame `last` of a whole signal's frames. `raw`
 * is scratch space (windowFrames x FRAME_CHANNELS), reused across calls.
 */
export function writeWindow(frames: Float32Array, count: number, last: number, f: EmotionFrontEnd, out: Float32Array, at: number, raw = new Float32Array(f.windowFrames * FRAME_CHANNELS)): void {
  const c = FRAME_CHANNELS;
  const from = last - (f.windowFrames - 1);
  raw.fill(0);
  for (let w = 0; w < f.windowFrames; w++) {
    const k = from + w;
    if (k >= 0 && k < count) raw.set(frames.subarray(k * c, (k + 1) * c), w * c);
  }
  prepareWindow(raw, Math.min(f.windowFrames, last + 1), f, out, at);
}
