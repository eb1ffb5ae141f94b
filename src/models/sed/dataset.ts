// A corpus split as model inputs: every scene's log-mel frames cut into patches, each with a
// multi-hot label. A class is on for a patch when one of its events overlaps the patch by at
// least 0.15 s (or half the event, for events shorter than 0.3 s).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeWav } from "../../audio/wav.ts";
import { logmelFrames, patchCount, patchSpan, writePatch, type SedFrontEnd } from "./frontend.ts";
import { parseAnnotations, type Annotation } from "./soundscape.ts";
import { ModelInputError } from "../errors.ts";

export interface PatchSet {
  /** patches x patchFrames x nMels, standardised. */
  x: Float32Array;
  /** patches x classes, 0/1. */
  y: Float32Array;
  count: number;
  /** Which file each run of patches came from, and its onset strength at every frame (for onsets on the attack). */
  files: { filename: string; seconds: number; firstPatch: number; patches: number; onsets: Float32Array }[];
  annotations: Annotation[];
}

export function patchLabels(annotations: Annotation[], p: number, labels: string[], f: SedFrontEnd): number[] {
  const [start, end] = patchSpan(p, f);
  return labels.map((label) => annotations.some((a) => {
    if (a.label !== label) return false;
    const overlap = Math.min(end, a.offset) - Math.max(start, a.onset);
    return overlap >= Math.min(0.15, 0.5 * (a.offset - a.onset));
  }) ? 1 : 0);
}

export interface SceneFeatures { filename: string; seconds: number; frames: number; logmel: Float32Array; onsets: Float32Array }

/** Reads a split's WAV scenes and their annotations. */
export function readSplit(corpus: string, split: string, f: SedFrontEnd, onFile?: (done: number, total: number) => void): { scenes: SceneFeatures[]; annotations: Annotation[] } {
  const dir = join(corpus, "audio", split);
  let names: string[];
  let annotations: Annotation[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".wav")).sort();
    annotations = parseAnnotations(readFileSync(join(corpus, "annotations", `${split}.tsv`), "utf8"));
  } catch (error) {
    throw new ModelInputError(`${corpus} is not a corpus made by 'moodwire corpus sed' (${(error as Error).message})`);
  }
  const scenes = names.map((filename, i) => {
    const audio = decodeWav(readFileSync(join(dir, filename)));
    const { frames, data, onsets } = logmelFrames(audio.samples, audio.sampleRate, f);
    onFile?.(i + 1, names.length);
    return { filename, seconds: audio.samples.length / audio.sampleRate, frames, logmel: data, onsets };
  });
  return { scenes, annotations };
}

export function toPatches(scenes: SceneFeatures[], annotations: Annotation[], labels: string[], f: SedFrontEnd): PatchSet {
  const size = f.patchFrames * f.nMels;
  const total = scenes.reduce((n, s) => n + patchCount(s.frames, f), 0);
  const x = new Float32Array(total * size), y = new Float32Array(total * labels.length);
  const files: PatchSet["files"] = [];
  let at = 0;
  for (const scene of scenes) {
    const mine = annotations.filter((a) => a.filename === scene.filename);
    const n = patchCount(scene.frames, f);
    files.push({ filename: scene.filename, seconds: scene.seconds, firstPatch: at, patches: n, onsets: scene.onsets });
    for (let p = 0; p < n; p++, at++) {
      writePatch(scene.logmel, scene.frames, p, f, x, at * size);
      y.set(patchLabels(mine, p, labels, f), at * labels.length);
    }
  }
  return { x, y, count: total, files, annotations: annotations.filter((a) => scenes.some((s) => s.filename === a.filename)) };
}

/** Mean and standard deviation of the log-mel values (dB) over some scenes. */
export function logmelStatistics(scenes: SceneFeatures[]): { mean: number; std: number } {
  let n = 0, sum = 0, squares = 0;
  for (const s of scenes) for (const v of s.logmel) { n++; sum += v; squares += v * v; }
  const mean = sum / Math.max(1, n);
  return { mean, std: Math.sqrt(Math.max(1e-6, squares / Math.max(1, n) - mean * mean)) };
}
