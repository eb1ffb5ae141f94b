// A performer's face profile: their resting face and ranges (from calibration),
// and labelled examples (from learning). Saved and loaded as JSON.

import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { DEFAULT_PROFILE, type FaceProfile } from "./action-units.ts";
import type { FaceGestures, GestureName } from "./faceosc.ts";

/** One labelled example: the 7 proxies in AU_ORDER (see emotion.ts). */
export interface FaceExample {
  label: string;
  au: number[];
}

export interface PerformerProfile extends FaceProfile {
  version: 1;
  examples: FaceExample[];
}

const GESTURE_NAMES = Object.keys(DEFAULT_PROFILE.neutral) as GestureName[];

export class ProfileError extends Error {
  override name = "ProfileError";
}

/**
 * The performer's rest is the mean of a recording of their neutral face. How far a
 * face can move is not visible in a resting face, so each range keeps the default
 * table's extent around the new rest, widened to include anything the recording saw.
 */
export function calibrate(samples: FaceGestures[], base: FaceProfile = DEFAULT_PROFILE): FaceProfile {
  if (samples.length === 0) throw new ProfileError("no face data to calibrate from");
  const neutral = {} as FaceGestures, min = {} as FaceGestures, max = {} as FaceGestures;
  for (const k of GESTURE_NAMES) {
    const values = samples.map((s) => s[k]);
    neutral[k] = values.reduce((a, b) => a + b, 0) / values.length;
    min[k] = Math.min(neutral[k] - (base.neutral[k] - base.min[k]), ...values);
    max[k] = Math.max(neutral[k] + (base.max[k] - base.neutral[k]), ...values);
  }
  return { neutral, min, max };
}

export function defaultPerformerProfile(): PerformerProfile {
  return { version: 1, ...structuredClone(DEFAULT_PROFILE), examples: [] };
}

/** Loads and checks a profile; every problem names the file and the field. */
export function loadProfile(path: string): PerformerProfile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ProfileError(`${path}: ${code === "ENOENT" ? "no such profile (make one with moodwire face calibrate)" : `not a JSON profile (${(err as Error).message})`}`);
  }
  const p = json as Partial<PerformerProfile>;
  for (const part of ["neutral", "min", "max"] as const) {
    for (const k of GESTURE_NAMES) {
      const v = p[part]?.[k];
      if (typeof v !== "number" || !Number.isFinite(v)) throw new ProfileError(`${path}: ${part}.${k} must be a number`);
    }
  }
  const examples = p.examples ?? [];
  if (!Array.isArray(examples)) throw new ProfileError(`${path}: examples must be a list`);
  examples.forEach((e, i) => {
    if (typeof e?.label !== "string" || !Array.isArray(e.au) || e.au.length !== 7 || !e.au.every((v) => typeof v === "number" && Number.isFinite(v))) {
      throw new ProfileError(`${path}: examples[${i}] must be { "label": string, "au": [7 numbers] }`);
    }
  });
  return { version: 1, neutral: p.neutral!, min: p.min!, max: p.max!, examples };
}

/** Writes atomically (temp file, then rename), so a crash never leaves half a profile. */
export function saveProfile(path: string, profile: PerformerProfile): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, JSON.stringify(profile, null, 2) + "\n");
  renameSync(temp, path);
}
