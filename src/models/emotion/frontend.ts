// The emotion model's front end: moodwire's DSP kernel at 16 kHz with a 500-sample hop
// (32 frames a second, so 0.5 s is exactly 16 frames), in two analyses of the same audio:
//  - a 2048-point frame (128 ms) for log-mel (64), RMS and onset strength: sharp in time;
//  - an 8192-point frame (512 ms, 1.95 Hz bins) for the pitch-class and semitone profiles
//    (the semitones keep the octave: register, clusters): sharp in frequency (at 2048
//    points a bin is 7.8 Hz and the Hann main lobe four bins wide, wider than a semitone
//    below C4). Measured on 1,511 windows of 40 test pieces of the corpus,
//    the Krumhansl-Kessler mode of a 3 s window was right in 65% of windows from librosa
//    chroma (at 2048 or 8192 points alike), in 71% from the pitch-class profile at 2048,
//    and in 82% from it at 8192 (90% from the composed notes themselves).
// The long analysis is fed (8192 - 2048) zeros first, so its frame k ends on the same sample
// as the short one's: both are causal and in step. A window is the 3 s (96 frames) ending
// at the label's time, so the live tracker sees exactly what training saw.
//
// Mode is the strongest cue to valence, and a network cannot learn 24 key templates from a
// few hundred pieces, so each window is made key-relative: its mean pitch-class profile's
// key is found (Krumhansl-Kessler profiles) and every frame's profile is rotated so the
// tonic is bin 0; the major-vs-minor strength joins as one more channel. So does each
// frame's triad quality (best major minus best minor triad): a minor piece's i and iv are
// minor chords, a major piece's I, IV and V are all major, and counting chord qualities
// over 3 s told the mode in 84% of windows where the key finder did in 75%.

import { FeatureExtractor, frameCount, type RowSink } from "../../dsp/kernels.ts";
import { N_SEMITONES } from "../../dsp/frame.ts";
import { resampleSignal } from "../../dsp/resample.ts";
import { estimateKey, triadQuality } from "./baseline.ts";
import { ModelInputError } from "../errors.ts";

export interface EmotionFrontEnd {
  sampleRate: number;
  nFft: number;
  /** FFT size of the pitch-class analysis (same hop, frames end together). */
  pitchFft: number;
  hop: number;
  nMels: number;
  windowFrames: number;
  /** Frames between updates (0.5 s). */
  stepFrames: number;
  /** Per-channel standardisation measured on the training pieces. */
  mean: number[];
  std: number[];
}

/** Where each part of a frame sits in its channels. */
export const CHANNEL = { logmel: 0, pitchClass: 64, rms: 76, onset: 77, semitones: 78 } as const;
export const FRAME_CHANNELS = CHANNEL.semitones + N_SEMITONES;
/**
 * What the model sees per frame: the frame channels (pitch classes key-relative), the
 * window's mode strength, and the frame's triad quality.
 */
export const MODEL_CHANNELS = FRAME_CHANNELS + 2;
const PITCH = CHANNEL.pitchClass;

export const EMOTION_FRONTEND: EmotionFrontEnd = {
  sampleRate: 16000, nFft: 2048, pitchFft: 8192, hop: 500, nMels: 64, windowFrames: 96, stepFrames: 16,
  mean: new Array(FRAME_CHANNELS).fill(0), std: new Array(FRAME_CHANNELS).fill(1),
};

/** Largest block handed to either analysis at once (so both stay within a few frames). */
const BLOCK = 4000;

/**
 * Audio at the front end's rate in, one row of FRAME_CHANNELS raw (unstandardised) values
 * per hop out: log-mel, pitch-class profile, RMS (dB), onset strength and the semitone
 * profile (see CHANNEL). Allocates only in the constructor.
 */
export class EmotionAnalysis {
  readonly config: { readonly sampleRate: number };
  private readonly spectral: FeatureExtractor;
  private readonly pitch: FeatureExtractor;
  /** Pitch-class and semitone profiles of the current block, waiting for their spectral rows. */
  private readonly pending: Float32Array;
  private pendingWritten = 0;
  private pendingRead = 0;
  private readonly row = new Float32Array(FRAME_CHANNELS);
  private onRow: RowSink = () => {};
  private readonly takePitch: RowSink;
  private readonly takeSpectral: RowSink;

  constructor(f: EmotionFrontEnd) {
    if (!Number.isInteger(f.pitchFft)) {
      throw new ModelInputError("this emotion model was trained on an older front end (librosa chroma, no pitchFft in its metadata): retrain it with npx moodwire train emotion");
    }
    this.config = { sampleRate: f.sampleRate };
    const common = { sampleRate: f.sampleRate, hop: f.hop, nMfcc: 1, fmin: 0, fmax: f.sampleRate / 2 };
    this.spectral = new FeatureExtractor({ ...common, nFft: f.nFft, nMels: f.nMels }, { maxBlock: BLOCK });
    this.pitch = new FeatureExtractor({ ...common, nFft: f.pitchFft, nMels: 8 }, { maxBlock: BLOCK });
    // Per pending frame: 12 pitch classes, then the semitones.
    const pitchWidth = 12 + N_SEMITONES;
    this.pending = new Float32Array((Math.ceil(BLOCK / f.hop) + 1) * pitchWidth);
    const { logmel, rms, onset } = this.spectral.layout, [classesAt] = this.pitch.layout.pitchClass, [semitonesAt] = this.pitch.layout.semitones;
    this.takePitch = (row) => {
      const at = this.pendingWritten * pitchWidth;
      this.pending.set(row.subarray(classesAt, classesAt + 12), at);
      this.pending.set(row.subarray(semitonesAt, semitonesAt + N_SEMITONES), at + 12);
      this.pendingWritten++;
    };
    this.takeSpectral = (row, k) => {
      const out = this.row, at = this.pendingRead * pitchWidth;
      out.set(row.subarray(logmel[0], logmel[0] + logmel[1]), CHANNEL.logmel);
      out.set(this.pending.subarray(at, at + 12), CHANNEL.pitchClass);
      out.set(this.pending.subarray(at + 12, at + pitchWidth), CHANNEL.semitones);
      this.pendingRead++;
      out[CHANNEL.rms] = 20 * Math.log10(Math.max(1e-5, row[rms]!));
      out[CHANNEL.onset] = row[onset]!;
      this.onRow(out, k);
    };
    // In step: the long frame k ends where the short frame k ends.
    this.pitch.push(new Float32Array(f.pitchFft - f.nFft), this.takePitch);
    this.pendingWritten = 0;
  }

  /** Feeds samples; onRow gets each finished frame's channels (valid during the call). */
  push(samples: Float32Array, onRow: RowSink): void {
    this.onRow = onRow;
    for (let from = 0; from < samples.length; from += BLOCK) {
      const block = samples.subarray(from, Math.min(samples.length, from + BLOCK));
      this.pendingWritten = 0;
      this.pendingRead = 0;
      this.pitch.push(block, this.takePitch);
      this.spectral.push(block, this.takeSpectral);
    }
  }
}

/** Raw channel frames of a whole signal (frames x FRAME_CHANNELS). */
export function emotionFrames(samples: Float32Array, sampleRate: number, f: EmotionFrontEnd): { frames: number; data: Float32Array } {
  const audio = resampleSignal(samples, sampleRate, f.sampleRate);
  const frames = frameCount(audio.length, f.nFft, f.hop);
  const data = new Float32Array(frames * FRAME_CHANNELS);
  new EmotionAnalysis(f).push(audio, (row, k) => data.set(row, k * FRAME_CHANNELS));
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
export function prepareWindow(raw: Float32Array, valid: number, f: EmotionFrontEnd, out: Float32Array, at: number, pitchClasses = new Float64Array(12)): void {
  const c = FRAME_CHANNELS, m = MODEL_CHANNELS, first = f.windowFrames - Math.min(valid, f.windowFrames);
  pitchClasses.fill(0);
  for (let w = first; w < f.windowFrames; w++) for (let j = 0; j < 12; j++) pitchClasses[j]! += raw[w * c + PITCH + j]!;
  const { tonic, strength } = estimateKey(pitchClasses);
  for (let w = 0; w < f.windowFrames; w++) {
    const o = at + w * m;
    if (w < first) {
      out.fill(0, o, o + c);
    } else {
      for (let j = 0; j < PITCH; j++) out[o + j] = (raw[w * c + j]! - f.mean[j]!) / f.std[j]!;
      // Key-relative pitch classes: bin 0 is the tonic.
      for (let j = 0; j < 12; j++) out[o + PITCH + j] = (raw[w * c + PITCH + ((j + tonic) % 12)]! - f.mean[PITCH + j]!) / f.std[PITCH + j]!;
      for (let j = PITCH + 12; j < c; j++) out[o + j] = (raw[w * c + j]! - f.mean[j]!) / f.std[j]!;
    }
    out[o + c] = valid > 0 ? strength : 0;
    out[o + c + 1] = w < first ? 0 : triadQuality(raw, w * c + PITCH);
  }
}

/**
 * The model input for the window ending at frame `last` of a whole signal's frames. `raw`
 * is scratch space (windowFrames x FRAME_CHANNELS), reused across calls. `rate` (training
 * only) plays the window's music faster or slower (tempo augmentation, train.ts).
 */
export function writeWindow(frames: Float32Array, count: number, last: number, f: EmotionFrontEnd, out: Float32Array, at: number, raw: Float32Array = new Float32Array(f.windowFrames * FRAME_CHANNELS), rate = 1): void {
  const c = FRAME_CHANNELS;
  raw.fill(0);
  let valid = 0;
  for (let w = 0; w < f.windowFrames; w++) {
    // rate 1 reads the frames as they are; another rate reads the music faster (> 1) or
    // slower, ending on the same frame: between two frames, linearly.
    const position = last - (f.windowFrames - 1 - w) * rate;
    if (position < 0 || position > count - 1) continue;
    const k = Math.floor(position), weight = position - k;
    if (weight === 0) raw.set(frames.subarray(k * c, (k + 1) * c), w * c);
    else for (let j = 0; j < c; j++) raw[w * c + j] = (1 - weight) * frames[k * c + j]! + weight * frames[(k + 1) * c + j]!;
    valid++;
  }
  prepareWindow(raw, valid, f, out, at);
}
