// Small per-frame descriptors, one pure function each (in the spirit of Meyda).
// They read spectra the analyzer has already computed and allocate nothing.

/**
 * Spectral centroid in Hz from the magnitude spectrum, as librosa computes it:
 * sum(f_k |X_k|) / sum(|X_k|), 0 for a silent frame.
 */
export function spectralCentroid(magnitude: StaticArray<f64>, freq: StaticArray<f64>, nBins: i32): f64 {
  let weighted: f64 = 0, total: f64 = 0;
  for (let k = 0; k < nBins; k++) {
    const m = unchecked(magnitude[k]);
    weighted += unchecked(freq[k]) * m;
    total += m;
  }
  return total > 0 ? weighted / total : 0;
}

/**
 * Spectral flux (Dixon 2006): the sum over bins of the half-wave rectified rise in
 * magnitude since the previous frame. Only rises count, so decays are not onsets.
 */
export function spectralFlux(magnitude: StaticArray<f64>, previous: StaticArray<f64>, nBins: i32): f64 {
  let flux: f64 = 0;
  for (let k = 0; k < nBins; k++) {
    const rise = unchecked(magnitude[k]) - unchecked(previous[k]);
    if (rise > 0) flux += rise;
  }
  return flux;
}

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
