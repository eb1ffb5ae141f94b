// SED for offline analysis (`moodwire analyze --models sed`): the whole signal through the
// same front end and event rule as the live detector.

import type { tf } from "../tf.ts";
import { predictLogmel } from "./predict.ts";
import { frameTiming, logmelFrames, patchHopSeconds } from "./frontend.ts";
import { detectEvents, risesOfSignal, type SoundEvent } from "./events.ts";
import type { SedMetadata } from "./train.ts";

export interface SedAnalysis {
  events: SoundEvent[];
  sed: { hop_s: number; labels: string[]; probabilities: number[][] };
}

export function analyzeSed(model: tf.LayersModel, metadata: SedMetadata, samples: Float32Array, sampleRate: number): SedAnalysis {
  const f = metadata.frontEnd;
  const { frames, data, onsets } = logmelFrames(samples, sampleRate, f);
  const probabilities = predictLogmel(model, data, frames, f);
  const seconds = samples.length / sampleRate;
  return {
    events: detectEvents(probabilities, metadata.classes, patchHopSeconds(f), seconds, metadata.eventRule, risesOfSignal(onsets, frameTiming(f))),
    sed: { hop_s: patchHopSeconds(f), labels: metadata.classes, probabilities: probabilities.map((p) => Array.from(p, (v) => Math.round(v * 1e4) / 1e4)) },
  };
}
