// Facial action-unit proxies from FaceOSC gestures. Each proxy is a 0..1 intensity
// of one FACS action unit, measured against the performer's own ranges (a profile),
// or the seeds' FaceOSC table before calibration.

import type { FaceGestures, GestureName } from "./faceosc.ts";

/** For each gesture: the performer's resting value and the range it moves in. */
export interface FaceProfile {
  neutral: FaceGestures;
  min: FaceGestures;
  max: FaceGestures;
}

/** The seeds' FaceOSC ranges; resting values at the middle of each range. */
export const DEFAULT_PROFILE: FaceProfile = (() => {
  const min: FaceGestures = { mouthWidth: 6.02, mouthHeight: 0.89, eyebrowLeft: 6.77, eyebrowRight: 6.68, eyeLeft: 2.43, eyeRight: 2.40, jaw: 18.99, nostrils: 5.65 };
  const max: FaceGestures = { mouthWidth: 19.27, mouthHeight: 3.0, eyebrowLeft: 8.07, eyebrowRight: 7.98, eyeLeft: 3.44, eyeRight: 3.31, jaw: 22.97, nostrils: 8.81 };
  const neutral = Object.fromEntries(Object.keys(min).map((k) => [k, (min[k as GestureName] + max[k as GestureName]) / 2])) as unknown as FaceGestures;
  return { neutral, min, max };
})();

export interface ActionUnits {
  /** Lip-corner puller (smile): mouth wider than at rest. */
  AU12: number;
  /** Cheek raiser: eyes narrowing together with a smile. */
  AU6: number;
  /** Lips part: mouth height above rest. */
  AU25: number;
  /** Jaw drop: jaw above rest. */
  AU26: number;
  /** Inner/outer brow raise: eyebrows above rest. */
  AU1: number;
  /** Brow lowerer: eyebrows below rest. */
  AU4: number;
  /** Lip-corner depressor: mouth narrower than at rest (or corners below the lip line in /raw). */
  AU15: number;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** How far above rest, as a fraction of the room between rest and max. */
function above(g: FaceGestures, p: FaceProfile, name: GestureName): number {
  const room = p.max[name] - p.neutral[name];
  return room > 0 ? clamp01((g[name] - p.neutral[name]) / room) : 0;
}

/** How far below rest, as a fraction of the room between rest and min. */
function below(g: FaceGestures, p: FaceProfile, name: GestureName): number {
  const room = p.neutral[name] - p.min[name];
  return room > 0 ? clamp01((p.neutral[name] - g[name]) / room) : 0;
}

/**
 * FaceOSC /raw has 66 landmarks (x, y pairs): 48 and 54 are the mouth corners, 51
 * and 57 the middle of the upper and lower lip. Corners below the lip midline, in
 * units of mouth height, give AU15.
 */
export function lipCornerDepression(raw: Float32Array): number {
  const y = (i: number) => raw[2 * i + 1]!;
  const corners = (y(48) + y(54)) / 2;
  const midline = (y(51) + y(57)) / 2;
  const height = Math.abs(y(57) - y(51));
  return height > 0 ? clamp01((corners - midline) / height) : 0;
}

export function actionUnits(g: FaceGestures, p: FaceProfile = DEFAULT_PROFILE, raw?: Float32Array): ActionUnits {
  const smile = above(g, p, "mouthWidth");
  const eyesNarrow = (below(g, p, "eyeLeft") + below(g, p, "eyeRight")) / 2;
  const browsUp = (above(g, p, "eyebrowLeft") + above(g, p, "eyebrowRight")) / 2;
  const browsDown = (below(g, p, "eyebrowLeft") + below(g, p, "eyebrowRight")) / 2;
  return {
    AU12: smile,
    // The cheek raiser narrows the eyes, but narrowed eyes alone are a squint.
    AU6: Math.min(smile, eyesNarrow) > 0 ? Math.sqrt(smile * eyesNarrow) : 0,
    AU25: above(g, p, "mouthHeight"),
    AU26: above(g, p, "jaw"),
    AU1: browsUp,
    AU4: browsDown,
    AU15: raw && raw.length >= 116 ? lipCornerDepression(raw) : below(g, p, "mouthWidth"),
  };
}
