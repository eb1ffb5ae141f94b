// The emotion network folded for the live path: the same trained weights, run as a dozen
// fused ops instead of the Layers graph. Each update runs the network once on one window,
// and on the WASM backend most of a Layers `predict` is per-op work, not arithmetic: every
// batch norm is four ops, every conv1d a reshape around a conv2d, every dense layer three.
// Folded, batch norm becomes the conv's own scale and bias (exact in inference, where it
// uses its moving statistics), bias and ReLU run inside the fused conv / matmul kernels, and
// the output heads share one matmul. Measured on this machine: an update's network time
// p50 0.59 -> 0.37 ms, p99 about halved (README, "Model"). Training, evaluation and the
// saved model stay the Layers model; a test checks this gives its outputs.

import { ModelInputError } from "../errors.ts";
import { foldBatchNorm } from "../fold.ts";
import { tf } from "../tf.ts";
import { emotionMemberPrefixes } from "./model.ts";

/** A dense (or 1x1 conv) layer's weights: kernel inputs x units, row-major. */
export interface FoldedDense { kernel: Float32Array; bias: Float32Array; inputs: number; units: number }
/** A conv block with its batch norm folded in: kernel size x inputs x filters, row-major; ReLU, then non-overlapping max-pooling of `pool` steps (1: none). */
export interface FoldedConv { kernel: Float32Array; bias: Float32Array; size: number; inputs: number; filters: number; pool: number }
export interface Head { name: string; units: number; activation: string }
/** One network's weights, folded, in plain arrays: what FoldedEmotionNetwork runs as tfjs ops (and the benchmark's plain-TS peer as loops). */
export interface FoldedWeights { convs: FoldedConv[]; timeline: FoldedDense; hidden: FoldedDense; head: FoldedDense }
/** A model's networks folded: each network's weights, the heads (in the model's order) and the input window's shape. */
export interface FoldedModel { members: FoldedWeights[]; heads: Head[]; frames: number; channels: number }

const CONV_BLOCKS = 3;

/**
 * Folds a model built by buildEmotionModel (any number of output heads) or by
 * averageEmotionModels (every network); `networks` keeps only the first N of an average.
 */
export function foldEmotionModel(model: tf.LayersModel, options: { networks?: number } = {}): FoldedModel {
  const { networks } = options;
  if (networks !== undefined && !(Number.isInteger(networks) && networks >= 1)) throw new ModelInputError(`networks must be a whole number of 1 or more, got ${networks}`);
  const [, frames, channels] = model.inputs[0]!.shape;
  const prefixes = emotionMemberPrefixes(model).slice(0, networks);
  if (prefixes.length === 0) throw new ModelInputError(`this emotion model has no layer "conv1": it was not built by this moodwire's buildEmotionModel; retrain it with npx moodwire train emotion`);
  const headNames = model.outputLayers.map((l) => l.name);
  const members = prefixes.map((prefix) => foldNetwork(model, prefix, headNames));
  const heads = headNames.map((name) => ({ name, units: model.getLayer(prefixes[0] + name).getConfig().units as number, activation: String(model.getLayer(prefixes[0] + name).getConfig().activation) }));
  for (const h of heads) if (!["tanh", "softmax"].includes(h.activation)) throw new ModelInputError(`output "${h.name}" has activation ${h.activation}, which the live emotion path does not run`);
  return { members, heads, frames: frames!, channels: channels! };
}

/** One network of a model (its layers' names start with prefix), folded into plain arrays. */
function foldNetwork(model: tf.LayersModel, prefix: string, headNames: string[]): FoldedWeights {
  const layer = (name: string) => {
    try { return model.getLayer(prefix + name); } catch { throw new ModelInputError(`this emotion model has no layer "${prefix + name}": it was not built by this moodwire's buildEmotionModel; retrain it with npx moodwire train emotion`); }
  };
  const config = (name: string) => layer(name).getConfig() as Record<string, unknown>;
  const values = (t: tf.Tensor) => Float32Array.from(t.dataSync());
  // tidy disposes the tensors folding makes; what it keeps is plain arrays.
  let folded: FoldedWeights | undefined;
  tf.tidy(() => {
    const convs: FoldedConv[] = [];
    for (let i = 1; i <= CONV_BLOCKS; i++) {
      const conv = config(`conv${i}`);
      if (conv.padding !== "same" || conv.useBias || String(conv.strides) !== "1" || String(conv.dilationRate) !== "1") throw new ModelInputError(`conv${i} of this emotion model is not the "same"-padded, stride-1, bias-free conv that moodwire builds`);
      const [kernel] = layer(`conv${i}`).getWeights() as [tf.Tensor3D];
      // The last conv block has no pooling layer.
      const poolConfig = model.layers.some((l) => l.name === `${prefix}pool${i}`) ? config(`pool${i}`) : undefined;
      if (poolConfig && (poolConfig.padding !== "valid" || String(poolConfig.strides) !== String(poolConfig.poolSize))) throw new ModelInputError(`pool${i} of this emotion model is not the non-overlapping max-pooling that moodwire builds`);
      const pool = poolConfig ? (poolConfig.poolSize as number[] | number) : 1;
      const [size, inputs, filters] = kernel!.shape;
      convs.push({ ...foldBatchNorm(kernel!, layer(`bn${i}`)), size, inputs, filters, pool: Array.isArray(pool) ? pool[0]! : pool });
    }
    const dense = (kernel: tf.Tensor, bias: tf.Tensor): FoldedDense => ({ kernel: values(kernel), bias: values(bias), inputs: kernel.shape[0]!, units: kernel.shape[1]! });
    const [timelineKernel, timelineBias] = layer("timeline_features").getWeights() as [tf.Tensor3D, tf.Tensor1D];
    const [hiddenKernel, hiddenBias] = layer("hidden").getWeights() as [tf.Tensor2D, tf.Tensor1D];
    const outputs = headNames.map((name) => layer(name).getWeights());
    folded = {
      convs,
      // The timeline is a 1x1 conv: a matmul per step.
      timeline: dense(timelineKernel.squeeze([0]), timelineBias),
      hidden: dense(hiddenKernel, hiddenBias),
      // The output heads share one matmul, their kernels side by side.
      head: dense(tf.concat(outputs.map((w) => w[0]!), 1), tf.concat(outputs.map((w) => w[1]!), 0)),
    };
  });
  return folded!;
}

export class FoldedEmotionNetwork {
  private readonly members: FoldedMember[];
  private readonly heads: Head[];
  private readonly frames: number;
  private readonly channels: number;

  /**
   * Folds a model built by buildEmotionModel (any number of output heads) or by
   * averageEmotionModels (each network folded, their outputs averaged as the model does).
   * `networks` runs only the first N of an average (a shorter update for a busy rig);
   * more than the model has runs them all.
   */
  constructor(model: tf.LayersModel, options: { networks?: number } = {}) {
    const folded = foldEmotionModel(model, options);
    this.frames = folded.frames;
    this.channels = folded.channels;
    this.heads = folded.heads;
    this.members = folded.members.map((weights) => new FoldedMember(weights));
  }

  /** How many networks run (an averaged model's, or the first N of them). */
  get networks(): number {
    return this.members.length;
  }

  /**
   * The outputs for one window (frames x channels, the model's input layout), one array per
   * output head in the model's order, after the heads' activations (averaged over the networks).
   */
  run(window: Float32Array): number[][] {
    const outputs = this.zeroOutputs();
    for (let k = 0; k < this.members.length; k++) this.addNetwork(k, window, outputs);
    return outputs;
  }

  /** Outputs filled with zeros, for addNetwork to add into. */
  zeroOutputs(): number[][] {
    return this.heads.map((h) => new Array<number>(h.units).fill(0));
  }

  /**
   * Adds network k's share of the average (its activated outputs / the number of networks) to
   * outputs: run k = 0 .. networks - 1 over one window and outputs equal run(window). The live
   * tracker runs them one per audio block, so no block carries all of them.
   */
  addNetwork(k: number, window: Float32Array, outputs: number[][]): void {
    addActivatedHeads(this.heads, this.members[k]!.logits(window, this.frames, this.channels), 1 / this.members.length, outputs);
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}

/** One network's folded weights as tensors, run as a dozen fused tfjs ops. */
class FoldedMember {
  private readonly convs: { filter: tf.Tensor4D; bias: tf.Tensor1D; pool: number }[];
  private readonly timeline: { kernel: tf.Tensor2D; bias: tf.Tensor1D };
  private readonly hidden: { kernel: tf.Tensor2D; bias: tf.Tensor1D };
  private readonly head: { kernel: tf.Tensor2D; bias: tf.Tensor1D };

  constructor(w: FoldedWeights) {
    // [1, size, in, out]: a conv2d over a 1-high image.
    this.convs = w.convs.map((c) => ({ filter: tf.tensor4d(c.kernel, [1, c.size, c.inputs, c.filters]), bias: tf.tensor1d(c.bias), pool: c.pool }));
    const dense = (d: FoldedDense) => ({ kernel: tf.tensor2d(d.kernel, [d.inputs, d.units]), bias: tf.tensor1d(d.bias) });
    this.timeline = dense(w.timeline);
    this.hidden = dense(w.hidden);
    this.head = dense(w.head);
  }

  /** Every head's logits for one window, concatenated in the heads' order. */
  logits(window: Float32Array, frames: number, channels: number): Float32Array {
    return tf.tidy(() => {
      let x: tf.Tensor4D = tf.tensor4d(window, [1, 1, frames, channels]);
      for (const c of this.convs) {
        x = tf.fused.conv2d({ x, filter: c.filter, strides: 1, pad: "same", bias: c.bias, activation: "relu" });
        if (c.pool > 1) x = tf.maxPool(x, [1, c.pool], [1, c.pool], "valid");
      }
      const features = x.reshape([x.shape[2], x.shape[3]]) as tf.Tensor2D;
      const average = features.mean(0, true);
      // The timeline: a 1x1 conv (a matmul per step) with ReLU, flattened step by step as Flatten does.
      const timeline = tf.fused.matMul({ a: features, b: this.timeline.kernel, bias: this.timeline.bias, activation: "relu" }).reshape([1, -1]);
      const hidden = tf.fused.matMul({ a: tf.concat([average, timeline], 1), b: this.hidden.kernel, bias: this.hidden.bias, activation: "relu" });
      return tf.fused.matMul({ a: hidden, b: this.head.kernel, bias: this.head.bias }).dataSync() as Float32Array;
    });
  }

  dispose(): void {
    tf.dispose([...this.convs.flatMap((c) => [c.filter, c.bias]), this.timeline.kernel, this.timeline.bias, this.hidden.kernel, this.hidden.bias, this.head.kernel, this.head.bias]);
  }
}

/**
 * Adds `share` of each head's activated logits (concatenated in the heads' order) to outputs:
 * how a network's logits join the average, for the tfjs path and the benchmark's plain-TS peer.
 */
export function addActivatedHeads(heads: Head[], logits: ArrayLike<number>, share: number, outputs: number[][]): void {
  let at = 0;
  heads.forEach((h, i) => {
    const values = activate(h.activation, Array.from({ length: h.units }, (_, j) => logits[at + j]!));
    at += h.units;
    for (let j = 0; j < h.units; j++) outputs[i]![j]! += values[j]! * share;
  });
}

/** The heads buildEmotionModel builds: tanh (valence/arousal, cues) or softmax (quadrant). */
function activate(activation: string, values: number[]): number[] {
  if (activation === "tanh") return values.map(Math.tanh);
  const top = Math.max(...values), e = values.map((v) => Math.exp(v - top)), sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
