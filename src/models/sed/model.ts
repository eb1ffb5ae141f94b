// The SED network, in the spirit of the seed thesis' source CNN: three conv blocks
// (3x3 conv, batch norm, ReLU, 2x2 max-pool), a dense hidden layer, and one sigmoid per class
// (multi-label: a door can slam while someone speaks). Logits and the sigmoid are separate
// layers so the neural adapter can add its logits before the sigmoid.

import { tf } from "../tf.ts";
import type { SedFrontEnd } from "./frontend.ts";

export const HIDDEN_LAYER = "hidden";
export const LOGITS_LAYER = "logits";

export interface SedArchitecture {
  filters: number[];
  hidden: number;
  dropout: number;
  /**
   * How the last conv block's map reaches the dense layer. "flatten" (models without the
   * field) keeps every time step, so a sound must be learned at each place in the window;
   * "time" keeps the frequency axis but takes the max and the mean over time.
   */
  pooling?: "flatten" | "time";
  /** "centred" adds a second input channel, the window with each band's mean removed ("raw", or no field: one channel). */
  view?: "raw" | "centred";
}
export const SED_ARCHITECTURE: SedArchitecture = { filters: [16, 32, 32], hidden: 64, dropout: 0.3, pooling: "time", view: "centred" };

/**
 * The network's two views of a window: the log-mel as it is, and each band minus its mean
 * over the window. In the second a steady room tone or a microphone's colour is gone and what
 * changes stands out; only built-in layers (tfjs has no subtract layer: add the negated mean),
 * so saved models load anywhere.
 */
function withCentredView(input: tf.SymbolicTensor, prefix: string): tf.SymbolicTensor {
  const frames = input.shape[1] as number;
  const bandMean = tf.layers.averagePooling2d({ name: `${prefix}band_mean`, poolSize: [frames, 1] }).apply(input) as tf.SymbolicTensor;
  const negated = tf.layers.rescaling({ name: `${prefix}band_mean_negated`, scale: -1 }).apply(bandMean) as tf.SymbolicTensor;
  const centred = tf.layers.add({ name: `${prefix}centred` }).apply([input, negated]) as tf.SymbolicTensor;
  return tf.layers.concatenate({ name: `${prefix}views`, axis: -1 }).apply([input, centred]) as tf.SymbolicTensor;
}

/** The last conv map's max and mean over time, frequency kept: "somewhere in this window". */
function poolOverTime(x: tf.SymbolicTensor, prefix: string): tf.SymbolicTensor {
  const frames = x.shape[1] as number;
  const peak = tf.layers.maxPooling2d({ name: `${prefix}time_max`, poolSize: [frames, 1] }).apply(x) as tf.SymbolicTensor;
  const mean = tf.layers.averagePooling2d({ name: `${prefix}time_mean`, poolSize: [frames, 1] }).apply(x) as tf.SymbolicTensor;
  return tf.layers.concatenate({ name: `${prefix}time_pool`, axis: -1 }).apply([peak, mean]) as tf.SymbolicTensor;
}

/** Builds the layers on `input`; `prefix` keeps names unique when two copies share a model. */
export function sedLayers(input: tf.SymbolicTensor, classes: number, prefix = "", a: SedArchitecture = SED_ARCHITECTURE, seed = 1): { hidden: tf.SymbolicTensor; logits: tf.SymbolicTensor } {
  let x = a.view === "centred" ? withCentredView(input, prefix) : input;
  a.filters.forEach((filters, i) => {
    x = tf.layers.conv2d({ name: `${prefix}conv${i + 1}`, filters, kernelSize: 3, padding: "same", useBias: false, kernelInitializer: tf.initializers.heNormal({ seed: seed + i }) }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: `${prefix}bn${i + 1}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.activation({ name: `${prefix}relu${i + 1}`, activation: "relu" }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ name: `${prefix}pool${i + 1}`, poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  });
  if (a.pooling === "time") x = poolOverTime(x, prefix);
  x = tf.layers.flatten({ name: `${prefix}flatten` }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ name: `${prefix}dropout`, rate: a.dropout, seed }).apply(x) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ name: `${prefix}${HIDDEN_LAYER}`, units: a.hidden, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: seed + 10 }) }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ name: `${prefix}${LOGITS_LAYER}`, units: classes, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 11 }) }).apply(hidden) as tf.SymbolicTensor;
  return { hidden, logits };
}

export function sedInput(f: SedFrontEnd, name = "logmel"): tf.SymbolicTensor {
  return tf.input({ name, shape: [f.patchFrames, f.nMels, 1] });
}

export function buildSedModel(f: SedFrontEnd, classes: number, seed = 1, architecture: SedArchitecture = SED_ARCHITECTURE): tf.LayersModel {
  const input = sedInput(f);
  const { logits } = sedLayers(input, classes, "", architecture, seed);
  const probabilities = tf.layers.activation({ name: "probabilities", activation: "sigmoid" }).apply(logits) as tf.SymbolicTensor;
  return tf.model({ name: "moodwire-sed", inputs: input, outputs: probabilities });
}
