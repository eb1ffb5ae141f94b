// The types that leave the DSP stage: one FeatureFrame per hop, and the row layout
// the WASM kernel writes (one float32 row per frame).

/** Where each feature sits in a kernel row: [offset, length] in float32 values. */
export interface FrameLayout {
  stride: number;
  logmel: readonly [number, number];
  mfcc: readonly [number, number];
  chroma: readonly [number, number];
  centroid: number;
  rms: number;
  flux: number;
  onset: number;
  pitchClass: readonly [number, number];
  semitones: readonly [number, number];
}

/** The semitone profile's range: MIDI 36 (C2) to 96 (C7); the pitch classes fold C2..C6 (84). */
export const SEMITONE_LOW = 36;
export const N_SEMITONES = 61;
export const PITCH_CLASS_HIGH = 84;

/** One analysis frame, as the oracle, models and dashboard consume it. */
export interface FeatureFrame {
  /** Frame number k since the analyzer started; the frame covers [k*hop, k*hop + n_fft). */
  index: number;
  /** Start of the frame, seconds. */
  time: number;
  /** Log-mel power, dB (10*log10(max(1e-10, mel)); -100 is silence). */
  logmel: Float32Array;
  mfcc: Float32Array;
  /** 12 pitch classes from C, scaled so the strongest is 1 (all 0 in silence). */
  chroma: Float32Array;
  /** Spectral centroid, Hz (0 in silence). */
  centroid: number;
  /** Root mean square of the frame's raw samples. */
  rms: number;
  /** Rectified magnitude rise since the previous frame, summed over bins. */
  flux: number;
  /** Mean rectified log-mel rise since the previous frame, dB. */
  onset: number;
  /**
   * 12 pitch classes from C by semitone peaks (C2..C6), scaled so the strongest is 1: sharper
   * than chroma where notes are close (bass chords), given a long enough frame.
   */
  pitchClass: Float32Array;
  /**
   * The semitone peaks themselves, MIDI 36 (C2) to 96 (C7), square-rooted and scaled so the
   * strongest is 1 (0 above Nyquist and in silence): pitch with its octave.
   */
  semitones: Float32Array;
}

/** Copies a kernel row into a FeatureFrame (allocates: main thread only). */
export function frameFromRow(row: Float32Array, layout: FrameLayout, index: number, time: number): FeatureFrame {
  const slice = ([offset, length]: readonly [number, number]) => row.slice(offset, offset + length);
  return {
    index,
    time,
    logmel: slice(layout.logmel),
    mfcc: slice(layout.mfcc),
    chroma: slice(layout.chroma),
    centroid: row[layout.centroid]!,
    rms: row[layout.rms]!,
    flux: row[layout.flux]!,
    onset: row[layout.onset]!,
    pitchClass: slice(layout.pitchClass),
    semitones: slice(layout.semitones),
  };
}
