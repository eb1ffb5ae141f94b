// Per-frame descriptors on the log-mel, one pure function each (in the spirit of
// Meyda). The per-bin descriptors (centroid, flux) are fused into the analyzer's
// single spectral pass, since that loop runs for every bin of every frame.

/**
 * Onset strength: the mean over mel bands of the rectified rise in log-mel (dB) since
 * the previous frame; librosa.onset.onset_strength with lag 1, max_size 1 and
 * aggregate mean, but on the causal log-mel (no top_db relative to a global max).
 */
export function onsetStrength(logmel: StaticArray<f64>, previous: StaticArray<f64>, nMels: i32): f64 {
  let sum: f64 = 0;
  for (let m = 0; m < nMels; m++) {
    const rise = unchecked(logmel[m]) - unchecked(previous[m]);
    if (rise > 0) sum += rise;
  }
  return sum / <f64>nMels;
}
