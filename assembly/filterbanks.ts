// Filterbank construction, replicating librosa 0.10.1 operation for operation so
// that the float32 weights come out the same (librosa builds in float64 and casts).
// Built once per analyzer; nothing here runs per frame.

/** Frequency of FFT bin k, as numpy.fft.rfftfreq computes it. */
export function binFrequency(k: i32, sampleRate: f64, nFft: i32): f64 {
  const val = 1.0 / (<f64>nFft * (1.0 / sampleRate));
  return <f64>k * val;
}

// Slaney mel scale (librosa htk=False): linear below 1 kHz, logarithmic above.
const F_SP: f64 = 200.0 / 3;
const MIN_LOG_HZ: f64 = 1000.0;
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;
const LOG_STEP: f64 = Math.log(6.4) / 27.0;

export function hzToMel(hz: f64): f64 {
  if (hz >= MIN_LOG_HZ) return MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP;
  return hz / F_SP;
}

export function melToHz(mel: f64): f64 {
  if (mel >= MIN_LOG_MEL) return MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL));
  return F_SP * mel;
}

/**
 * A mel filterbank stored sparsely: band m has weights for bins
 * [start[m], start[m] + length[m]), packed in `weights` from offset[m].
 */
export class MelFilterbank {
  readonly nMels: i32;
  readonly nBins: i32;
  readonly start: StaticArray<i32>;
  readonly length: StaticArray<i32>;
  readonly offset: StaticArray<i32>;
  readonly weights: StaticArray<f64>;
  /** The dense [mel][bin] float32 matrix, kept for tests and the plain-JS peer. */
  readonly dense: StaticArray<f32>;

  constructor(sampleRate: f64, nFft: i32, nMels: i32, fmin: f64, fmax: f64) {
    const nBins = (nFft >> 1) + 1;
    const start = new StaticArray<i32>(nMels);
    const length = new StaticArray<i32>(nMels);
    const offset = new StaticArray<i32>(nMels);
    const dense = new StaticArray<f32>(nMels * nBins);

    // Band edges: nMels + 2 points evenly spaced in mel (numpy.linspace, endpoint exact).
    const nPoints = nMels + 2;
    const melEdges = new StaticArray<f64>(nPoints);
    const minMel = hzToMel(fmin), maxMel = hzToMel(fmax);
    const step = (maxMel - minMel) / <f64>(nPoints - 1);
    for (let i = 0; i < nPoints; i++) {
      const mel = i == nPoints - 1 ? maxMel : <f64>i * step + minMel;
      unchecked(melEdges[i] = melToHz(mel));
    }

    let nonZero = 0;
    for (let m = 0; m < nMels; m++) {
      const lo = unchecked(melEdges[m]), mid = unchecked(melEdges[m + 1]), hi = unchecked(melEdges[m + 2]);
      const fdiffLower = mid - lo, fdiffUpper = hi - mid;
      const enorm = 2.0 / (hi - lo);
      let first = -1, last = -1;
      for (let k = 0; k < nBins; k++) {
        const f = binFrequency(k, sampleRate, nFft);
        const lower = -(lo - f) / fdiffLower;
        const upper = (hi - f) / fdiffUpper;
        const tri = <f32>Math.max(0.0, Math.min(lower, upper));
        const w = <f32>(<f64>tri * enorm);
        unchecked(dense[m * nBins + k] = w);
        if (w != 0) {
          if (first < 0) first = k;
          last = k;
        }
      }
      const len = first < 0 ? 0 : last - first + 1;
      unchecked(start[m] = first < 0 ? 0 : first);
      unchecked(length[m] = len);
      unchecked(offset[m] = nonZero);
      nonZero += len;
    }

    const weights = new StaticArray<f64>(nonZero);
    for (let m = 0; m < nMels; m++) {
      const s = unchecked(start[m]), o = unchecked(offset[m]);
      for (let i = 0; i < unchecked(length[m]); i++) {
        unchecked(weights[o + i] = <f64>dense[m * nBins + s + i]);
      }
    }
    this.nMels = nMels;
    this.nBins = nBins;
    this.start = start;
    this.length = length;
    this.offset = offset;
    this.weights = weights;
    this.dense = dense;
  }
}

/** Number of chroma bins; bin 0 is C, as librosa's base_c=True. */
export const N_CHROMA: i32 = 12;

/**
 * librosa.filters.chroma(sr, n_fft, tuning=0, ctroct=5, octwidth=2, norm=2,
 * base_c=True) as a dense float32 [12][nBinsPadded] matrix (padding columns are 0,
 * so the per-frame product can run four bins at a time).
 */
export function chromaFilterbank(sampleRate: f64, nFft: i32, nBinsPadded: i32): StaticArray<f32> {
  const nBins = (nFft >> 1) + 1;
  const nc = <f64>N_CHROMA;
  // frqbins over all n_fft bins (not only the positive half), as librosa does.
  const frqbins = new StaticArray<f64>(nFft);
  const step = sampleRate / <f64>nFft;
  const a440Over16 = 440.0 / 16.0;
  for (let i = 1; i < nFft; i++) {
    const f = <f64>i * step;
    unchecked(frqbins[i] = nc * Math.log2(f / a440Over16));
  }
  // A made-up value for 0 Hz: 1.5 octaves below bin 1.
  unchecked(frqbins[0] = frqbins[1] - 1.5 * nc);

  const wts = new StaticArray<f64>(N_CHROMA * nBins);
  const half = Math.round(nc / 2);
  for (let i = 0; i < nBins; i++) {
    const width = i < nFft - 1 ? Math.max(unchecked(frqbins[i + 1] - frqbins[i]), 1.0) : 1.0;
    let norm2: f64 = 0;
    for (let c = 0; c < N_CHROMA; c++) {
      let d = unchecked(frqbins[i]) - <f64>c;
      d = ((d + half + 10.0 * nc) % nc) - half;
      const z = 2.0 * d / width;
      const w = Math.exp(-0.5 * z * z);
      unchecked(wts[c * nBins + i] = w);
      norm2 += w * w;
    }
    const norm = Math.sqrt(norm2);
    const oct = (unchecked(frqbins[i]) / nc - 5.0) / 2.0;
    const octWeight = Math.exp(-0.5 * oct * oct);
    for (let c = 0; c < N_CHROMA; c++) {
      unchecked(wts[c * nBins + i] = wts[c * nBins + i] / norm * octWeight);
    }
  }

  // Roll so that row 0 is C (the rows above start at A).
  const out = new StaticArray<f32>(N_CHROMA * nBinsPadded);
  for (let c = 0; c < N_CHROMA; c++) {
    const src = (c + 3) % N_CHROMA;
    for (let i = 0; i < nBins; i++) {
      unchecked(out[c * nBinsPadded + i] = <f32>wts[src * nBins + i]);
    }
  }
  return out;
}

/** Orthonormal DCT-II matrix [nOut][nIn] (scipy.fft.dct(type=2, norm='ortho')). */
export function dctMatrix(nIn: i32, nOut: i32): StaticArray<f64> {
  const m = new StaticArray<f64>(nOut * nIn);
  const n = <f64>nIn;
  for (let k = 0; k < nOut; k++) {
    const scale = k == 0 ? Math.sqrt(1.0 / n) : Math.sqrt(2.0 / n);
    for (let i = 0; i < nIn; i++) {
      unchecked(m[k * nIn + i] = scale * Math.cos(Math.PI * <f64>k * (2.0 * <f64>i + 1.0) / (2.0 * n)));
    }
  }
  return m;
}

/** Periodic Hann window (scipy.signal.get_window('hann', n, fftbins=True)). */
export function periodicHann(n: i32): StaticArray<f64> {
  const w = new StaticArray<f64>(n);
  for (let i = 0; i < n; i++) {
    unchecked(w[i] = 0.5 - 0.5 * Math.cos(2.0 * Math.PI * <f64>i / <f64>n));
  }
  return w;
}
