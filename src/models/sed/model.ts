// The SED network, in the spirit of the seed thesis' source CNN: three conv blocks
// (3x3 conv, batch norm, ReLU, 2x2 max-pool), a dense hidden layer, and one sigmoid per class
// (multi-label: a door can slam while someone speaks). Logits and the sigmoid are separate
// layers so the neural adapter can add its logits before the sigmoid.

import { tf } from "../tf.ts";
import type { SedFrontEnd } from "./frontend.ts";

export const HIDDEN_LAYER = "hidden";
export const LOGITS_LAYER = "logits";

export interface SedArchitecture { filters: number[]; hidden: number; dropout: number }
export const SED_ARCHITECTURE: SedArchitecture = { filters: [16, 32, 32], hidden: 64, dropout: 0.3 };

/** Builds the layers on `input`; `prefix` keeps names unique when two copies share a model. */
export function sedLayers(input: tf.SymbolicTensor, classes: number, prefix = "", a: SedArchitecture = SED_ARCHITECTURE, seed = 1): { hidden: tf.SymbolicTensor; logits: tf.SymbolicTensor } {
  let x = input;
  a.filters.forEach((filters, i) => {
    x = tf.layers.conv2d({ name: `${prefix}conv${i + 1}`, filters, kernelSize: 3, padding: "same", useBias: false, kernelInitializer: tf.initializers.heNormal({ seed: seed + i }) }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: `${prefix}bn${i + 1}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.activation({ name: `${prefix}relu${i + 1}`, activation: "relu" }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ name: `${prefix}pool${i + 1}`, poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.flatten({ name: `${prefix}flatten` }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ name: `${prefix}dropout`, rate: a.dropout, seed }).apply(x) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ name: `${prefix}${HIDDEN_LAYER}`, units: a.hidden, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: seed + 10 }) }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ name: `${prefix}${LOGITS_LAYER}`, units: classes, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 11 }) }).apply(hidden) as tf.SymbolicTensor;
  return { hidden, logits };
}

export function sedInput(f: SedFrontEnd, name = "logmel"): tf.SymbolicTensor {
  return tf.input({ name, shape: [f.patchFrames, f.nMels, 1] });
}

export function buildSedModel(f: SedFrontEnd, classes: number, seed = 1): tf.LayersModel {
  const input = sedInput(f);
  const { logits } = sedLayers(input, classes, "", SED_ARCHITECTURE, seed);
  const probabilities = tf.layers.activation({ name: "probabilities", activation: "sigmoid" }).apply(logits) as tf.SymbolicTensor;
  return tf.model({ name: "moodwire-sed", inputs: input, outputs: probabilities });
}
