// What a DSP analyzer is configured with, its defaults, and the checks that turn a
// bad value into one clear sentence before anything reaches the WASM kernel.

export interface DspConfig {
  /** Sample rate of the incoming audio, Hz. */
  sampleRate: number;
  /** FFT size: a power of two from 256 to 8192. */
  nFft: number;
  /** Samples between frame starts (1..nFft). */
  hop: number;
  nMels: number;
  /** MFCC coefficients kept (1..nMels). */
  nMfcc: number;
  /** Lowest mel filter edge, Hz. */
  fmin: number;
  /** Highest mel filter edge, Hz (at most sampleRate / 2). */
  fmax: number;
}

export type DspOptions = Partial<DspConfig> & { sampleRate: number };

export const DSP_DEFAULTS = { nFft: 2048, hop: 512, nMels: 128, nMfcc: 20, fmin: 0 } as const;

export class DspConfigError extends Error {
  override name = "DspConfigError";
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DspConfigError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
}

/** Fills in defaults and validates; fmax defaults to the Nyquist frequency. */
export function resolveDspConfig(options: DspOptions): DspConfig {
  const config: DspConfig = {
    sampleRate: options.sampleRate,
    nFft: options.nFft ?? DSP_DEFAULTS.nFft,
    hop: options.hop ?? DSP_DEFAULTS.hop,
    nMels: options.nMels ?? DSP_DEFAULTS.nMels,
    nMfcc: options.nMfcc ?? DSP_DEFAULTS.nMfcc,
    fmin: options.fmin ?? DSP_DEFAULTS.fmin,
    fmax: options.fmax ?? options.sampleRate / 2,
  };
  const { sampleRate, nFft, hop, nMels, nMfcc, fmin, fmax } = config;
  if (!Number.isFinite(sampleRate) || sampleRate < 1000 || sampleRate > 768000) {
    throw new DspConfigError(`sample rate must be from 1000 to 768000 Hz, got ${sampleRate}`);
  }
  requireInteger("n_fft", nFft, 256, 8192);
  if ((nFft & (nFft - 1)) !== 0) throw new DspConfigError(`n_fft must be a power of two, got ${nFft}`);
  requireInteger("hop", hop, 1, nFft);
  requireInteger("n_mels", nMels, 1, 512);
  requireInteger("n_mfcc", nMfcc, 1, nMels);
  if (!Number.isFinite(fmin) || fmin < 0) throw new DspConfigError(`fmin must be >= 0 Hz, got ${fmin}`);
  if (!Number.isFinite(fmax) || fmax <= fmin || fmax > sampleRate / 2) {
    throw new DspConfigError(`fmax must be above fmin (${fmin} Hz) and at most sr/2 (${sampleRate / 2} Hz), got ${fmax}`);
  }
  return config;
}
