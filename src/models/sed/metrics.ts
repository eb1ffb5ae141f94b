// Sound event detection metrics as DCASE's sed_eval defines them (Mesaros, Heittola & Virtanen
// 2016): segment-based (1 s segments: a class is active in a segment if any event of it
// overlaps the segment) and event-based (an estimated event matches a reference event of the
// same class whose onset is within the collar, 200 ms; each reference matches at most once;
// offsets not evaluated). F1 = 2TP / (2TP + FP + FN), micro over all classes and per class.

import type { Annotation } from "./soundscape.ts";

export interface Counts { tp: number; fp: number; fn: number }
export interface Scores { f1: number; precision: number; recall: number; counts: Counts }
export interface SedScores {
  segment: { micro: Scores; classes: Record<string, Scores> };
  event: { micro: Scores; classes: Record<string, Scores> };
}

export function scores(c: Counts): Scores {
  const precision = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0;
  const recall = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0;
  const f1 = 2 * c.tp + c.fp + c.fn > 0 ? (2 * c.tp) / (2 * c.tp + c.fp + c.fn) : 0;
  return { f1, precision, recall, counts: { ...c } };
}

function byFile(rows: Annotation[]): Map<string, Annotation[]> {
  const m = new Map<string, Annotation[]>();
  for (const r of rows) m.set(r.filename, [...(m.get(r.filename) ?? []), r]);
  return m;
}

function finish(perClass: Map<string, Counts>, labels: string[]): { micro: Scores; classes: Record<string, Scores> } {
  const total: Counts = { tp: 0, fp: 0, fn: 0 };
  const classes: Record<string, Scores> = {};
  for (const label of labels) {
    const c = perClass.get(label) ?? { tp: 0, fp: 0, fn: 0 };
    classes[label] = scores(c);
    total.tp += c.tp; total.fp += c.fp; total.fn += c.fn;
  }
  return { micro: scores(total), classes };
}

/**
 * reference / estimated: annotations of the files in `files` (filename -> duration in s).
 * Only `labels` are scored (e.g. the classes a model knows).
 */
export function evaluateSed(reference: Annotation[], estimated: Annotation[], files: Map<string, number>, labels: string[], segmentSeconds = 1, collar = 0.2): SedScores {
  const ref = byFile(reference.filter((a) => labels.includes(a.label)));
  const est = byFile(estimated.filter((a) => labels.includes(a.label)));
  const segmentCounts = new Map<string, Counts>(labels.map((l) => [l, { tp: 0, fp: 0, fn: 0 }]));
  const eventCounts = new Map<string, Counts>(labels.map((l) => [l, { tp: 0, fp: 0, fn: 0 }]));
  for (const [file, duration] of files) {
    const r = ref.get(file) ?? [], e = est.get(file) ?? [];
    const segments = Math.ceil(Math.max(duration, ...r.map((a) => a.offset), ...e.map((a) => a.offset)) / segmentSeconds - 1e-9);
    for (const label of labels) {
      const active = (rows: Annotation[], s: number) => rows.some((a) => a.label === label && a.onset < (s + 1) * segmentSeconds && a.offset > s * segmentSeconds);
      const c = segmentCounts.get(label)!;
      for (let s = 0; s < segments; s++) {
        const inRef = active(r, s), inEst = active(e, s);
        if (inRef && inEst) c.tp++;
        else if (inEst) c.fp++;
        else if (inRef) c.fn++;
      }
      // Events: greedy one-to-one onset matching in time order.
      const refs = r.filter((a) => a.label === label).sort((a, b) => a.onset - b.onset);
      const ests = e.filter((a) => a.label === label).sort((a, b) => a.onset - b.onset);
      const used = new Set<number>();
      const ec = eventCounts.get(label)!;
      for (const x of refs) {
        let best = -1, bestDistance = Infinity;
        for (const [j, y] of ests.entries()) {
          const d = Math.abs(x.onset - y.onset);
          if (!used.has(j) && d <= collar + 1e-9 && d < bestDistance) { best = j; bestDistance = d; }
        }
        if (best >= 0) { used.add(best); ec.tp++; } else ec.fn++;
      }
      ec.fp += ests.length - used.size;
    }
  }
  return { segment: finish(segmentCounts, labels), event: finish(eventCounts, labels) };
}
