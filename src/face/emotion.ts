// From face updates to an emotional state (the seeds' Mugeetion: happy / neutral /
// sad, optionally surprise and angry), with a confidence, hysteresis so the state
// does not flicker, and "none" when the face is lost.

import { actionUnits, DEFAULT_PROFILE, type ActionUnits, type FaceProfile } from "./action-units.ts";
import type { FaceGestures, FaceUpdate } from "./faceosc.ts";
import { KnnClassifier } from "./knn.ts";
import type { FaceExample } from "./profile.ts";

/** The proxies in the order OSC, examples and the classifier use. */
export const AU_ORDER = ["AU1", "AU4", "AU6", "AU12", "AU15", "AU25", "AU26"] as const;

export type FaceEmotion = "none" | "neutral" | "happy" | "sad" | "surprise" | "angry";

/** The face as the rest of moodwire sees it; one object, updated in place. */
export interface FaceState {
  emotion: FaceEmotion;
  /** 0..1: the winning score, or for neutral how far every score is from winning. */
  confidence: number;
  found: boolean;
  gestures: FaceGestures;
  au: ActionUnits;
  /** True on the update where `emotion` changed. */
  changed: boolean;
}

export interface EmotionOptions {
  profile?: FaceProfile;
  /** Also tell surprise and angry apart (default false: the seeds' three states). */
  extended?: boolean;
  /** A score must reach this to enter a state (default 0.35)... */
  enter?: number;
  /** ...and fall below this to leave it (default 0.25). */
  exit?: number;
  /** A new state must hold this long before it is reported, ms (default 150). */
  holdMs?: number;
  /** No face data for this long means no face, ms (default 500). */
  lostMs?: number;
  /**
   * Labelled examples (from `moodwire face learn`). With examples of two or more
   * labels, a k-nearest-neighbour vote replaces the rules; each label's score is its
   * share of the votes, and the same enter/exit/hold rules apply.
   */
  examples?: FaceExample[];
}

/**
 * Scores per state from the action units. Happy: smile, more so with the cheeks
 * raised (a Duchenne smile). Sad: lip corners down with brows lowered. Surprise:
 * brows up with the mouth open. Angry: brows down without the sad mouth or a smile.
 */
export function emotionScores(au: ActionUnits, extended: boolean): Partial<Record<FaceEmotion, number>> {
  const scores: Partial<Record<FaceEmotion, number>> = {
    happy: 0.7 * au.AU12 + 0.3 * au.AU6,
    sad: 0.6 * au.AU15 + 0.4 * au.AU4,
  };
  if (extended) {
    scores.surprise = Math.min(au.AU1, Math.max(au.AU25, au.AU26));
    scores.angry = au.AU4 * (1 - au.AU15) * (1 - au.AU12);
  }
  return scores;
}

export class FaceEmotionTracker {
  readonly state: FaceState;
  private readonly options: Required<EmotionOptions>;
  private knn: KnnClassifier | null = null;
  private raw: Float32Array | undefined;
  private lastData = -Infinity;
  private candidate: FaceEmotion = "neutral";
  private candidateSince = 0;

  constructor(options: EmotionOptions = {}) {
    this.options = { profile: DEFAULT_PROFILE, extended: false, enter: 0.35, exit: 0.25, holdMs: 150, lostMs: 500, examples: [], ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
    this.setExamples(this.options.examples);
    const gestures = { ...this.options.profile.neutral };
    this.state = { emotion: "none", confidence: 1, found: false, gestures, au: actionUnits(gestures, this.options.profile), changed: false };
  }

  setProfile(profile: FaceProfile): void {
    this.options.profile = profile;
  }

  setExamples(examples: FaceExample[]): void {
    this.options.examples = examples;
    this.knn = new Set(examples.map((e) => e.label)).size >= 2 ? new KnnClassifier(examples) : null;
  }

  /** Applies one packet's updates at time `now` (ms) and re-evaluates the state. */
  update(updates: FaceUpdate[], now: number): FaceState {
    this.state.changed = false;
    let sawFace = false;
    for (const u of updates) {
      if (u.kind === "found") {
        this.state.found = u.found;
        sawFace ||= u.found;
        if (!u.found) this.report("none", 1, now, true);
      } else if (u.kind === "gesture") {
        this.state.gestures[u.name] = u.value;
        sawFace = true;
      } else if (u.kind === "raw") {
        this.raw = u.points;
        sawFace = true;
      }
    }
    if (sawFace) {
      this.lastData = now;
      this.state.found = true;
      this.evaluate(now);
    }
    return this.state;
  }

  /** Call regularly (e.g. every 50 ms): a face silent for lostMs becomes "none". */
  tick(now: number): FaceState {
    this.state.changed = false;
    if (this.state.emotion !== "none" && now - this.lastData >= this.options.lostMs) {
      this.state.found = false;
      this.report("none", 1, now, true);
    }
    return this.state;
  }

  private evaluate(now: number): void {
    const { profile, extended, enter, exit } = this.options;
    this.state.au = actionUnits(this.state.gestures, profile, this.raw);
    const scores = this.knn ? this.knn.scores(AU_ORDER.map((k) => this.state.au[k])) as Partial<Record<FaceEmotion, number>> : emotionScores(this.state.au, extended);
    let best: FaceEmotion = "neutral", bestScore = 0;
    for (const [name, score] of Object.entries(scores) as [FaceEmotion, number][]) if (score > bestScore) { best = name; bestScore = score; }
    const current = this.state.emotion;
    const currentScore = scores[current] ?? 0;
    let next: FaceEmotion;
    if (current !== "none" && current !== "neutral" && currentScore >= exit && (best === current || bestScore < currentScore + 0.1)) {
      next = current; // stay: still above the exit level and not clearly beaten
    } else {
      next = bestScore >= enter ? best : "neutral";
    }
    const confidence = next === "neutral" ? 1 - bestScore : scores[next] ?? 0;
    this.report(next, Math.min(1, Math.max(0, confidence)), now, false);
  }

  /** Reports `next` once it has held for holdMs (at once when `immediate`). */
  private report(next: FaceEmotion, confidence: number, now: number, immediate: boolean): void {
    if (next === this.state.emotion) {
      this.candidate = next;
      this.state.confidence = confidence;
      return;
    }
    if (next !== this.candidate) {
      this.candidate = next;
      this.candidateSince = now;
    }
    // Coming back from "none" needs no hold: the face is simply there again.
    if (immediate || this.state.emotion === "none" || now - this.candidateSince >= this.options.holdMs) {
      this.state.emotion = next;
      this.state.confidence = confidence;
      this.state.changed = true;
    }
  }
}
