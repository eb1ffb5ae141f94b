// Learning-rate schedules for the training loops. A constant Adam rate left the emotion
// model still improving at its last epoch; a cosine decay lets the last epochs settle.

import type { tf } from "./tf.ts";

/** Cosine decay from `start` (progress 0) to `end` (progress 1). */
export function cosineRate(start: number, end: number, progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  return end + ((start - end) * (1 + Math.cos(Math.PI * p))) / 2;
}

/**
 * Sets an Adam (or SGD, RMSProp) optimizer's rate for the next step. tfjs reads the field
 * `learningRate` at every step (adam_optimizer.js) but declares it protected, hence the cast.
 */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = rate;
}
