// How close the labels sit to the quadrant axes, and what that costs quadrant accuracy at a
// given RMSE. A window whose true arousal is 0.05 changes quadrant with an error of 0.06, so a
// corpus whose labels crowd an axis caps quadrant accuracy below what its RMSEs suggest:
// eval prints both, so a missed quadrant target can be told from a weak model.

/** Standard normal cumulative distribution (Abramowitz & Stegun 7.1.26 for erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Share of windows (truth: valence, arousal interleaved) within `within` of each axis. */
export function nearAxisShare(truth: ArrayLike<number>, within = 0.1): { valence: number; arousal: number } {
  const n = truth.length / 2;
  let valence = 0, arousal = 0;
  for (let i = 0; i < n; i++) {
    if (Math.abs(truth[i * 2]!) < within) valence++;
    if (Math.abs(truth[i * 2 + 1]!) < within) arousal++;
  }
  return { valence: valence / Math.max(1, n), arousal: arousal / Math.max(1, n) };
}

/**
 * The quadrant accuracy a model would have if its valence and arousal errors were independent
 * and Gaussian with these RMSEs: a window stays in its quadrant when neither error crosses an
 * axis, with probability Phi(|v| / rmseV) * Phi(|a| / rmseA); this is the mean over windows.
 * (Real errors have heavier tails: for the same RMSE, fewer small ones, so this is a guide.)
 */
export function gaussianQuadrantAccuracy(truth: ArrayLike<number>, rmseValence: number, rmseArousal: number): number {
  const n = truth.length / 2;
  if (n === 0) return 0;
  const stays = (value: number, rmse: number) => (rmse > 0 ? normalCdf(Math.abs(value) / rmse) : 1);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += stays(truth[i * 2]!, rmseValence) * stays(truth[i * 2 + 1]!, rmseArousal);
  return sum / n;
}
