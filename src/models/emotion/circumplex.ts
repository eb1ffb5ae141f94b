// Russell's circumplex: quadrants from (valence, arousal), and the eight ArtEmis emotions at
// the seed's coordinates; the named emotion is the nearest one.

export type Quadrant = "Q1" | "Q2" | "Q3" | "Q4";

/** Q1 happy/excited (+v +a), Q2 angry/tense (-v +a), Q3 sad/depressed (-v -a), Q4 calm/content (+v -a). */
export function quadrantOf(valence: number, arousal: number): Quadrant {
  if (valence >= 0) return arousal >= 0 ? "Q1" : "Q4";
  return arousal >= 0 ? "Q2" : "Q3";
}

export const QUADRANTS: Quadrant[] = ["Q1", "Q2", "Q3", "Q4"];

export const ARTEMIS_EMOTIONS: { name: string; valence: number; arousal: number }[] = [
  { name: "amusement", valence: 0.55, arousal: 0.2 },
  { name: "contentment", valence: 0.82, arousal: -0.56 },
  { name: "awe", valence: 0.42, arousal: 0.89 },
  { name: "excitement", valence: 0.7, arousal: 0.72 },
  { name: "anger", valence: -0.42, arousal: 0.78 },
  { name: "disgust", valence: -0.67, arousal: 0.49 },
  { name: "fear", valence: -0.11, arousal: 0.78 },
  { name: "sadness", valence: -0.82, arousal: -0.4 },
];

export function nearestEmotion(valence: number, arousal: number): string {
  let best = ARTEMIS_EMOTIONS[0]!, distance = Infinity;
  for (const e of ARTEMIS_EMOTIONS) {
    const d = (e.valence - valence) ** 2 + (e.arousal - arousal) ** 2;
    if (d < distance) { distance = d; best = e; }
  }
  return best.name;
}
