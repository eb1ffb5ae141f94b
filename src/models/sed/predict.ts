// Running a SED model over whole signals (training checks, eval, analyze): patches in
// batches inside tf.tidy, probabilities out as plain arrays.

import { tf } from "../tf.ts";
import { detectEvents, EVENT_RULE, eventsAsAnnotations, risesOfSignal, type EventRule } from "./events.ts";
import { frameTiming, patchCount, patchHopSeconds, writePatch, type SedFrontEnd } from "./frontend.ts";
import type { PatchSet } from "./dataset.ts";
import type { Annotation } from "./soundscape.ts";

/** Probabilities for patches [from, from + count) of a flat patch array. */
export function predictPatches(model: tf.LayersModel, x: Float32Array, from: number, count: number, f: SedFrontEnd, batchSize = 64): Float32Array[] {
  const size = f.patchFrames * f.nMels;
  const out: Float32Array[] = [];
  for (let at = 0; at < count; at += batchSize) {
    const n = Math.min(batchSize, count - at);
    const flat = tf.tidy(() => {
      const input = tf.tensor4d(x.subarray((from + at) * size, (from + at + n) * size), [n, f.patchFrames, f.nMels, 1]);
      return (model.predict(input) as tf.Tensor).dataSync() as Float32Array;
    });
    const classes = flat.length / n;
    for (let i = 0; i < n; i++) out.push(flat.slice(i * classes, (i + 1) * classes));
  }
  return out;
}

/** Probabilities of every patch of one log-mel signal. */
export function predictLogmel(model: tf.LayersModel, logmel: Float32Array, frames: number, f: SedFrontEnd): Float32Array[] {
  const n = patchCount(frames, f);
  const size = f.patchFrames * f.nMels;
  const x = new Float32Array(n * size);
  for (let p = 0; p < n; p++) writePatch(logmel, frames, p, f, x, p * size);
  return predictPatches(model, x, 0, n, f);
}

/** Every file's patch probabilities, in the patch set's file order. */
export function predictPatchSet(model: tf.LayersModel, set: PatchSet, f: SedFrontEnd): Float32Array[][] {
  return set.files.map((file) => predictPatches(model, set.x, file.firstPatch, file.patches, f));
}

/** Events of every file from its probabilities (predictPatchSet), as annotations. */
export function eventsOfPatchSet(probabilities: Float32Array[][], set: PatchSet, labels: string[], f: SedFrontEnd, rule: EventRule = EVENT_RULE): Annotation[] {
  return set.files.flatMap((file, i) => eventsAsAnnotations(file.filename, detectEvents(probabilities[i]!, labels, patchHopSeconds(f), file.seconds, rule, risesOfSignal(file.onsets, frameTiming(f)))));
}

