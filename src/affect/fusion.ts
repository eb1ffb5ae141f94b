// Fused affect: one AffectState from the music's emotion (valence/arousal every 0.5 s)
// and the performer's face (happy / neutral / sad ..., with a confidence).
//
// Rule (documented in the README):
// - Each source gives a point on the circumplex and a confidence in 0..1. Music: the
//   model's smoothed valence/arousal, confidence = its largest quadrant probability, and
//   only while there is sound (RMS above -60 dBFS). Face: the state's point below,
//   confidence = the tracker's confidence, only while a face is found.
// - A source counts for `staleSeconds` after its last update (default 2 s), then drops out.
// - Target = sum(w_i c_i p_i) / sum(w_i c_i) over live sources (weights from the config);
//   confidence = sum(w_i c_i) / sum(w_i) over all configured sources.
// - The published point follows the target with a one-pole low-pass of time constant
//   `smoothingSeconds` (default 1 s: 63% of a jump after 1 s, 95% after 3 s). With no live
//   source the point holds where it was and the confidence is 0.

import { nearestEmotion, quadrantOf, type Quadrant } from "../models/emotion/circumplex.ts";
import type { FaceEmotion } from "../face/emotion.ts";

export type AffectSource = "music" | "face";

export interface AffectState {
  valence: number;
  arousal: number;
  quadrant: Quadrant;
  /** Nearest of the eight ArtEmis emotions. */
  emotion: string;
  /** 0..1, how much live evidence there is. */
  confidence: number;
  /** The sources that contributed to this state. */
  sources: AffectSource[];
  /** Engine time of the state, seconds. */
  time: number;
}

/** Where each face state sits on the circumplex (valence, arousal). */
export const FACE_POINTS: Record<Exclude<FaceEmotion, "none">, [number, number]> = {
  happy: [0.7, 0.45],
  neutral: [0, 0],
  sad: [-0.7, -0.45],
  surprise: [0.2, 0.8],
  angry: [-0.6, 0.7],
};

export interface AffectOptions {
  weights?: { music: number; face: number };
  smoothingSeconds?: number;
  staleSeconds?: number;
}

interface Reading {
  valence: number;
  arousal: number;
  confidence: number;
  time: number;
}

const clampUnit = (v: number) => Math.max(-1, Math.min(1, v));
const finiteOr = (v: number, fallback: number) => (Number.isFinite(v) ? v : fallback);

export class AffectFusion {
  readonly state: AffectState = { valence: 0, arousal: 0, quadrant: "Q1", emotion: nearestEmotion(0, 0), confidence: 0, sources: [], time: 0 };
  private weights: { music: number; face: number } = { music: 1, face: 1 };
  private tau = 1;
  private stale = 2;
  private readonly readings: Partial<Record<AffectSource, Reading>> = {};
  private lastTime: number | undefined;

  constructor(options: AffectOptions = {}) {
    this.configure(options);
  }

  /** New weights and time constants (a config reload); the state carries on from where it is. */
  configure(options: AffectOptions): void {
    this.weights = options.weights ?? this.weights;
    this.tau = options.smoothingSeconds ?? this.tau;
    this.stale = options.staleSeconds ?? this.stale;
  }

  /** The music emotion's latest update (confidence 0 for silence). */
  music(valence: number, arousal: number, confidence: number, time: number): void {
    this.readings.music = { valence: clampUnit(finiteOr(valence, 0)), arousal: clampUnit(finiteOr(arousal, 0)), confidence: Math.max(0, Math.min(1, finiteOr(confidence, 0))), time };
  }

  /** The face's current state ("none": no face, which removes the face from the fusion). */
  face(emotion: FaceEmotion, confidence: number, time: number): void {
    if (emotion === "none") {
      delete this.readings.face;
      return;
    }
    const [valence, arousal] = FACE_POINTS[emotion];
    this.readings.face = { valence, arousal, confidence: Math.max(0, Math.min(1, finiteOr(confidence, 0))), time };
  }

  /** Advances the smoothing to `time` (seconds) and returns the state (one object, updated in place). */
  update(time: number): AffectState {
    let sum = 0, v = 0, a = 0, total = 0;
    const sources: AffectSource[] = [];
    for (const source of ["music", "face"] as const) {
      const w = this.weights[source];
      total += w;
      const r = this.readings[source];
      if (!r || time - r.time > this.stale || r.confidence <= 0 || w <= 0) continue;
      const wc = w * r.confidence;
      sum += wc;
      v += wc * r.valence;
      a += wc * r.arousal;
      sources.push(source);
    }
    const s = this.state;
    const dt = this.lastTime === undefined ? Infinity : Math.max(0, time - this.lastTime);
    this.lastTime = time;
    if (sum > 0) {
      const k = 1 - Math.exp(-dt / this.tau);
      s.valence += (v / sum - s.valence) * k;
      s.arousal += (a / sum - s.arousal) * k;
    }
    s.confidence = total > 0 ? sum / total : 0;
    s.sources = sources;
    s.quadrant = quadrantOf(s.valence, s.arousal);
    s.emotion = nearestEmotion(s.valence, s.arousal);
    s.time = time;
    return s;
  }
}
