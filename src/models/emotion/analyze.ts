// Music emotion of a whole file (`analyze --models emotion`): the file streamed through the
// same EmotionTracker the live engine uses, so offline and live numbers are the same.

import type { tf } from "../tf.ts";
import { EmotionTracker } from "./tracker.ts";
import type { EmotionMetadata } from "./train.ts";
import { ARTEMIS_EMOTIONS } from "./circumplex.ts";

export interface EmotionPoint { t: number; valence: number; arousal: number; quadrant: string; emotion: string; cues?: Record<string, number> }

export function analyzeEmotion(model: tf.LayersModel, metadata: EmotionMetadata, samples: Float32Array, sampleRate: number): EmotionPoint[] {
  const tracker = new EmotionTracker(model, metadata, { inputRate: sampleRate });
  const out: EmotionPoint[] = [];
  tracker.onUpdate((u) => out.push({
    t: u.t, valence: round3(u.valence), arousal: round3(u.arousal), quadrant: u.quadrant, emotion: u.emotion,
    ...(u.cues ? { cues: Object.fromEntries(Object.entries(u.cues).map(([name, v]) => [name, round3(v)])) } : {}),
  }));
  tracker.pushAudio(samples);
  return out;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The trajectory on the valence/arousal circumplex, coloured from blue (start) to red (end). */
export function emotionPlotSvg(points: EmotionPoint[], title = "music emotion"): string {
  const size = 520, pad = 40, r = (size - 2 * pad) / 2, cx = size / 2, cy = size / 2 + 10;
  const X = (v: number) => cx + v * r, Y = (a: number) => cy - a * r;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size + 20}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${cx}" y="18" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    `<circle cx="${cx}" cy="${cy}" r="${r}" fill="none" stroke="#bbb"/>`,
    `<line x1="${X(-1)}" y1="${cy}" x2="${X(1)}" y2="${cy}" stroke="#bbb"/><line x1="${cx}" y1="${Y(1)}" x2="${cx}" y2="${Y(-1)}" stroke="#bbb"/>`,
    `<text x="${X(1) - 4}" y="${cy - 6}" text-anchor="end" fill="#666">valence +</text><text x="${cx + 6}" y="${Y(1) + 12}" fill="#666">arousal +</text>`,
    ...["Q1", "Q2", "Q3", "Q4"].map((q, i) => `<text x="${X(i === 0 || i === 3 ? 0.85 : -0.85)}" y="${Y(i < 2 ? 0.85 : -0.85)}" text-anchor="middle" fill="#999">${q}</text>`),
    ...ARTEMIS_EMOTIONS.map((e) => `<circle cx="${X(e.valence)}" cy="${Y(e.arousal)}" r="3" fill="#888"/><text x="${X(e.valence) + 5}" y="${Y(e.arousal) - 4}" fill="#555">${e.name}</text>`),
  ];
  points.forEach((p, i) => {
    const k = points.length > 1 ? i / (points.length - 1) : 0;
    const colour = `rgb(${Math.round(40 + 200 * k)},60,${Math.round(240 - 200 * k)})`;
    const q = points[i - 1];
    if (q) parts.push(`<line x1="${X(q.valence).toFixed(1)}" y1="${Y(q.arousal).toFixed(1)}" x2="${X(p.valence).toFixed(1)}" y2="${Y(p.arousal).toFixed(1)}" stroke="${colour}" stroke-width="1.5" opacity="0.8"/>`);
  });
  const last = points.at(-1);
  if (last) parts.push(`<circle cx="${X(last.valence)}" cy="${Y(last.arousal)}" r="5" fill="rgb(240,60,40)"/><text x="${pad}" y="${size + 12}" fill="#333">${points.length} updates over ${last.t.toFixed(1)} s, blue = start, red = end</text>`);
  parts.push("</svg>");
  return parts.join("\n");
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}
