// The music emotion network: three 1-D conv blocks over a 3 s window of frames (log-mel,
// key-relative pitch classes, RMS, onset, semitones, mode strength, triad quality), then
// two summaries of the conv features: their global average (what the window holds) and a
// timeline (a few features per time step, flattened), so the dense layer can tell the last
// second from the first. Without the timeline the network could not hear that a new
// section began a second ago: a third of the windows straddle a section change, and there
// the label already describes the new section. Then a dense layer and two heads: valence
// and arousal (tanh, [-1, 1]) and the Russell quadrant (softmax over Q1..Q4). Trained on
// moodwire's corpus it has a third head, the cues behind the labels (tanh, one per cue): a
// second task that tells the network which cue moved (mode, consonance, register ...),
// not only their weighted sum.

import { tf } from "../tf.ts";
import { MODEL_CHANNELS, type EmotionFrontEnd } from "./frontend.ts";

export const EMOTION_ARCHITECTURE = { filters: [48, 96, 96], kernel: [5, 5, 3], timeline: 16, hidden: 64, dropout: 0.3 };

/** cues: how many cue outputs (0: none, e.g. for DEAM, whose labels have no cues). */
export function buildEmotionModel(f: EmotionFrontEnd, seed = 1, cues = 0): tf.LayersModel {
  const input = tf.input({ name: "frames", shape: [f.windowFrames, MODEL_CHANNELS] });
  let x: tf.SymbolicTensor = input;
  EMOTION_ARCHITECTURE.filters.forEach((filters, i) => {
    x = tf.layers.conv1d({ name: `conv${i + 1}`, filters, kernelSize: EMOTION_ARCHITECTURE.kernel[i]!, padding: "same", useBias: false, kernelInitializer: tf.initializers.heNormal({ seed: seed + i }) }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: `bn${i + 1}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.activation({ name: `relu${i + 1}`, activation: "relu" }).apply(x) as tf.SymbolicTensor;
    if (i < EMOTION_ARCHITECTURE.filters.length - 1) x = tf.layers.maxPooling1d({ name: `pool${i + 1}`, poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  });
  const features = x;
  const average = tf.layers.globalAveragePooling1d({ name: "average" }).apply(features) as tf.SymbolicTensor;
  const steps = tf.layers.conv1d({ name: "timeline_features", filters: EMOTION_ARCHITECTURE.timeline, kernelSize: 1, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: seed + 5 }) }).apply(features) as tf.SymbolicTensor;
  const timeline = tf.layers.flatten({ name: "timeline" }).apply(steps) as tf.SymbolicTensor;
  x = tf.layers.concatenate({ name: "summary" }).apply([average, timeline]) as tf.SymbolicTensor;
  x = tf.layers.dropout({ name: "dropout", rate: EMOTION_ARCHITECTURE.dropout, seed }).apply(x) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ name: "hidden", units: EMOTION_ARCHITECTURE.hidden, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: seed + 10 }) }).apply(x) as tf.SymbolicTensor;
  const va = tf.layers.dense({ name: "valence_arousal", units: 2, activation: "tanh" }).apply(hidden) as tf.SymbolicTensor;
  const quadrant = tf.layers.dense({ name: "quadrant", units: 4, activation: "softmax" }).apply(hidden) as tf.SymbolicTensor;
  const outputs = [va, quadrant];
  if (cues > 0) outputs.push(tf.layers.dense({ name: "cues", units: cues, activation: "tanh" }).apply(hidden) as tf.SymbolicTensor);
  return tf.model({ name: "moodwire-emotion", inputs: input, outputs });
}
