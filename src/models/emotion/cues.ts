// The cue model that labels the synthetic emotion corpus: valence and arousal as weighted
// sums of musical cues, following what music psychology measured (Gabrielsson & Lindstrom
// 2010; Eerola, Friberg & Bresin 2013: mode > tempo > register > dynamics > articulation >
// timbre, contributions mostly additive). Every cue is scaled to [-1, 1]; the weights of each
// dimension sum to 1, so valence and arousal stay in [-1, 1] (the MediaEval convention).

export interface MusicalCues {
  /** 1 major, -1 minor (in between while a section changes mode). */
  mode: number;
  /** Beats per minute. */
  tempo: number;
  /** Mean MIDI pitch of the melody. */
  register: number;
  /** MIDI velocity of the notes, 1..127. */
  velocity: number;
  /** Sounding fraction of each note's slot: 1 legato .. 0.25 staccato. */
  articulation: number;
  /** 1 bright timbre (brass, lead synth) .. -1 dark/soft (strings pad, flute). */
  brightness: number;
  /** 1 consonant triads .. -1 dense dissonant clusters. */
  consonance: number;
  /** 1 rising melodic contour .. -1 falling. */
  contour: number;
}

/** The tempo cue's scale, linear: 110 bpm -> 0, 60 bpm either side -> -1 / +1 (50 .. 170 bpm, clamped). */
const TEMPO_CENTRE_BPM = 110, TEMPO_SPAN_BPM = 60;
const tempoCue = (bpm: number) => clamp((bpm - TEMPO_CENTRE_BPM) / TEMPO_SPAN_BPM);
/** The bpm an unclamped tempo cue stands for. */
const tempoBpm = (cue: number) => cue * TEMPO_SPAN_BPM + TEMPO_CENTRE_BPM;

/** Cue -> [-1, 1]. */
export const CUE_SCALES = {
  mode: (c: MusicalCues) => c.mode,
  tempo: (c: MusicalCues) => tempoCue(c.tempo),
  register: (c: MusicalCues) => clamp((c.register - 66) / 18),    // C3..C6 around F#4
  dynamics: (c: MusicalCues) => clamp((c.velocity - 75) / 45),    // pp (30) .. ff (120)
  articulation: (c: MusicalCues) => clamp(((1 - c.articulation) / 0.75) * 2 - 1), // legato -1 .. staccato +1
  brightness: (c: MusicalCues) => c.brightness,
  consonance: (c: MusicalCues) => c.consonance,
  contour: (c: MusicalCues) => c.contour,
};

export type CueName = keyof typeof CUE_SCALES;
/** The cues in a fixed order: the emotion model's cue head predicts them in this order. */
export const CUE_NAMES = Object.keys(CUE_SCALES) as CueName[];

/** What -1 and +1 mean for each scaled cue. */
export const CUE_POLES: Record<CueName, [string, string]> = {
  mode: ["minor", "major"], tempo: ["slow", "fast"], register: ["low", "high"], dynamics: ["soft", "loud"],
  articulation: ["legato", "staccato"], brightness: ["dark", "bright"], consonance: ["dissonant", "consonant"], contour: ["falling", "rising"],
};

/** Every cue scaled to [-1, 1], in CUE_NAMES order. */
export function scaledCues(c: MusicalCues): number[] {
  return CUE_NAMES.map((name) => CUE_SCALES[name](c));
}

/** Weights (each row sums to 1 in absolute value). Signs: which way a cue pushes. */
export const CUE_WEIGHTS: { valence: Partial<Record<CueName, number>>; arousal: Partial<Record<CueName, number>> } = {
  valence: { mode: 0.40, consonance: 0.25, tempo: 0.12, register: 0.12, articulation: 0.04, brightness: 0.03, contour: 0.04 },
  arousal: { tempo: 0.38, dynamics: 0.30, articulation: 0.14, register: 0.08, brightness: 0.10 },
};

export function clamp(x: number, lo = -1, hi = 1): number {
  return Math.max(lo, Math.min(hi, x));
}

export function cueAffect(c: MusicalCues): { valence: number; arousal: number } {
  let valence = 0, arousal = 0;
  for (const [cue, w] of Object.entries(CUE_WEIGHTS.valence)) valence += w! * CUE_SCALES[cue as CueName](c);
  for (const [cue, w] of Object.entries(CUE_WEIGHTS.arousal)) arousal += w! * CUE_SCALES[cue as CueName](c);
  return { valence: clamp(valence), arousal: clamp(arousal) };
}

/**
 * A window's labels when its music is played `rate` times as fast (tempo augmentation): the
 * cue model is additive, so only the tempo cue and its share of valence and arousal move.
 * `cues` are scaled cues in CUE_NAMES order; returns new [valence, arousal] and cues.
 */
export function retimedLabels(valence: number, arousal: number, cues: ArrayLike<number>, rate: number): { valence: number; arousal: number; cues: number[] } {
  const at = CUE_NAMES.indexOf("tempo"), before = cues[at]!;
  // The scale is linear and clamps at 50 and 170 bpm, so an unclamped cue gives back its bpm.
  const after = tempoCue(tempoBpm(before) * rate);
  const moved = Array.from(cues);
  moved[at] = after;
  return {
    valence: clamp(valence + (CUE_WEIGHTS.valence.tempo ?? 0) * (after - before)),
    arousal: clamp(arousal + (CUE_WEIGHTS.arousal.tempo ?? 0) * (after - before)),
    cues: moved,
  };
}
