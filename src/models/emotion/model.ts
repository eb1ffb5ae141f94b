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

import { ModelInputError } from "../errors.ts";
import { tf } from "../tf.ts";
import { MODEL_CHANNELS, type EmotionFrontEnd } from "./frontend.ts";

export const EMOTION_ARCHITECTURE = { filters: [48, 96, 96], kernel: [5, 5, 3], timeline: 16, hidden: 64, dropout: 0.3 };

/** cues: how many cue outputs (0: none, e.g. for DEAM, whose labels have no cues). */
export function buildEmotionModel(f: EmotionFrontEnd, seed = 1, cues = 0): tf.LayersModel {
  const input = tf.input({ name: "frames", shape: [f.windowFrames, MODEL_CHANNELS] });
  return tf.model({ name: "moodwire-emotion", inputs: input, outputs: emotionNetwork(input, seed, cues, "") });
}

/**
 * Several trained networks of this architecture in one model, their outputs averaged: member k's
 * layers are named "m<k>_conv1" ..., the averaged heads keep the single network's names, so the
 * result trains, predicts, saves and loads like one network. Averaging networks trained from
 * different weight seeds cancels part of each one's own errors (README: "Averaging networks
 * trained from different seeds").
 */
export function averageEmotionModels(members: tf.LayersModel[]): tf.LayersModel {
  const [first] = members;
  if (!first || members.length < 2) throw new ModelInputError("averaging needs at least two networks");
  const shape = first.inputs[0]!.shape, heads = first.outputLayers.map((l) => l.name);
  for (const m of members) {
    if (String(emotionMemberPrefixes(m)) !== "") throw new ModelInputError("each model to average must be one network, not an average itself: give the networks it was made of");
    if (String(m.inputs[0]!.shape) !== String(shape) || String(m.outputLayers.map((l) => l.name)) !== String(heads)) throw new ModelInputError("the networks to average must have the same input and the same heads");
  }
  const input = tf.input({ name: "frames", shape: shape.slice(1) as number[] });
  const cues = heads.length > 2 ? (first.getLayer("cues").getConfig().units as number) : 0;
  // The seed only draws initial weights, which the members' trained weights replace.
  const networks = members.map((_, k) => emotionNetwork(input, 1, cues, memberPrefix(k)));
  const averaged = heads.map((name, h) => tf.layers.average({ name }).apply(networks.map((out) => out[h]!)) as tf.SymbolicTensor);
  const model = tf.model({ name: "moodwire-emotion", inputs: input, outputs: averaged });
  members.forEach((member, k) => {
    for (const layer of member.layers) if (layer.weights.length > 0) model.getLayer(memberPrefix(k) + layer.name).setWeights(layer.getWeights());
  });
  return model;
}

/** The layer-name prefix of each network in a model: "" for one network, "m1_", "m2_" ... for averaged ones. */
export function emotionMemberPrefixes(model: tf.LayersModel): string[] {
  const has = (name: string) => model.layers.some((l) => l.name === name);
  if (has("conv1")) return [""];
  const prefixes: string[] = [];
  while (has(`${memberPrefix(prefixes.length)}conv1`)) prefixes.push(memberPrefix(prefixes.length));
  return prefixes;
}

const memberPrefix = (k: number) => `m${k + 1}_`;

/** One network from input to its heads, every layer name prefixed (so several can share a model). */
function emotionNetwork(input: tf.SymbolicTensor, seed: number, cues: number, prefix: string): tf.SymbolicTensor[] {
  const n = (name: string) => prefix + name;
  let x: tf.SymbolicTensor = input;
  EMOTION_ARCHITECTURE.filters.forEach((filters, i) => {
    x = tf.layers.conv1d({ name: n(`conv${i + 1}`), filters, kernelSize: EMOTION_ARCHITECTURE.kernel[i]!, padding: "same", useBias: false, kernelInitializer: tf.initializers.heNormal({ seed: seed + i }) }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: n(`bn${i + 1}`) }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.activation({ name: n(`relu${i + 1}`), activation: "relu" }).apply(x) as tf.SymbolicTensor;
    if (i < EMOTION_ARCHITECTURE.filters.length - 1) x = tf.layers.maxPooling1d({ name: n(`pool${i + 1}`), poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  });
  const features = x;
  const average = tf.layers.globalAveragePooling1d({ name: n("average") }).apply(features) as tf.SymbolicTensor;
  const steps = tf.layers.conv1d({ name: n("timeline_features"), filters: EMOTION_ARCHITECTURE.timeline, kernelSize: 1, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: seed + 5 }) }).apply(features) as tf.SymbolicTensor;
  const timeline = tf.layers.flatten({ name: n("timeline") }).apply(steps) as tf.SymbolicTensor;
  x = tf.layers.concatenate({ name: n("summary") }).apply([average, timeline]) as tf.SymbolicTensor;
  x = tf.layers.dropout({ name: n("dropout"), rate: EMOTION_ARCHITECTURE.dropout, seed }).apply(x) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ name: n("hidden"), units: EMOTION_ARCHITECTURE.hidden, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: seed + 10 }) }).apply(x) as tf.SymbolicTensor;
  const va = tf.layers.dense({ name: n("valence_arousal"), units: 2, activation: "tanh" }).apply(hidden) as tf.SymbolicTensor;
  const quadrant = tf.layers.dense({ name: n("quadrant"), units: 4, activation: "softmax" }).apply(hidden) as tf.SymbolicTensor;
  const outputs = [va, quadrant];
  if (cues > 0) outputs.push(tf.layers.dense({ name: n("cues"), units: cues, activation: "tanh" }).apply(hidden) as tf.SymbolicTensor);
  return outputs;
}
