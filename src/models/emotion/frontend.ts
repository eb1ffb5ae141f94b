// The emotion model's front end: moodwire's DSP kernel at 16 kHz with a 500-sample hop
// (32 frames a second, so 0.5 s is exactly 16 frames), each frame reduced to log-mel (64),
// chroma (12), RMS and onset strength. A window is the 3 s (96 frames) ending at the label's
// time: causal, so the live tracker sees exactly what training saw.

import { FeatureExtractor } from "../../dsp/kernels.ts";
import { resampleSignal } from "../../dsp/resample.ts";

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

export const EMOTION_FRONTEND: EmotionFrontEnd = {
  sampleRate: 16000, nFft: 1024, hop: 500, nMels: 64, windowFrames: 96, stepFrames: 16,
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
  const frames = audio.length < f.nFft ? 0 : Math.floor((audio.length - f.nFft) / f.hop) + 1;
  const data = new Float32Array(frames * FRAME_CHANNELS);
  extractor.push(audio, (row, k) => frameChannels(row, extractor, data, k * FRAME_CHANNELS));
  return { frames, data };
}

/** Index of the last frame that has ended by time t (s); -1 if none. */
export function lastFrameAt(t: number, f: EmotionFrontEnd): number {
  return Math.floor((t * f.sampleRate - f.nFft) / f.hop + 1e-9);
}

/** Writes the standardised window ending at frame `last` (earlier-than-start frames are 0, the mean). */
export function writeWindow(frames: Float32Array, count: number, last: number, f: EmotionFrontEnd, out: Float32Array, at: number): void {
  const c = FRAME_CHANNELS;
  for (let w = 0; w < f.windowFrames; w++) {
    const k = last - (f.windowFrames - 1) + w;
    for (let j = 0; j < c; j++) out[at + w * c + j] = k >= 0 && k < count ? (frames[k * c + j]! - f.mean[j]!) / f.std[j]! : 0;
  }
}
