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
import { tf } from "../tf.ts";
import { emotionMemberPrefixes } from "./model.ts";

interface FoldedConv { filter: tf.Tensor4D; bias: tf.Tensor1D; pool: number }
interface Head { name: string; units: number; activation: string }

const CONV_BLOCKS = 3;

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
    const { networks } = options;
    if (networks !== undefined && !(Number.isInteger(networks) && networks >= 1)) throw new ModelInputError(`networks must be a whole number of 1 or more, got ${networks}`);
    const [, frames, channels] = model.inputs[0]!.shape;
    this.frames = frames!;
    this.channels = channels!;
    const prefixes = emotionMemberPrefixes(model).slice(0, networks);
    if (prefixes.length === 0) throw new ModelInputError(`this emotion model has no layer "conv1": it was not built by this moodwire's buildEmotionModel; retrain it with npx moodwire train emotion`);
    const headNames = model.outputLayers.map((l) => l.name);
    this.members = [];
    try {
      for (const prefix of prefixes) this.members.push(new FoldedMember(model, prefix, headNames));
    } catch (error) {
      for (const m of this.members) m.dispose();
      throw error;
    }
    this.heads = this.members[0]!.heads;
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
    const logits = this.members[k]!.logits(window, this.frames, this.channels);
    let at = 0;
    this.heads.forEach((h, i) => {
      const values = activate(h.activation, Array.from(logits.subarray(at, (at += h.units))));
      for (let j = 0; j < h.units; j++) outputs[i]![j]! += values[j]! / this.members.length;
    });
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}

/** One network of a model (its layers' names start with prefix), folded. */
class FoldedMember {
  private readonly convs: FoldedConv[] = [];
  private readonly timeline: { kernel: tf.Tensor2D; bias: tf.Tensor1D };
  private readonly hidden: { kernel: tf.Tensor2D; bias: tf.Tensor1D };
  private readonly head: { kernel: tf.Tensor2D; bias: tf.Tensor1D };
  readonly heads: Head[];

  constructor(model: tf.LayersModel, prefix: string, headNames: string[]) {
    const layer = (name: string) => {
      try { return model.getLayer(prefix + name); } catch { throw new ModelInputError(`this emotion model has no layer "${prefix + name}": it was not built by this moodwire's buildEmotionModel; retrain it with npx moodwire train emotion`); }
    };
    const config = (name: string) => layer(name).getConfig() as Record<string, unknown>;
    tf.tidy(() => {
      for (let i = 1; i <= CONV_BLOCKS; i++) {
        const conv = config(`conv${i}`);
        if (conv.padding !== "same" || conv.useBias || String(conv.strides) !== "1" || String(conv.dilationRate) !== "1") throw new ModelInputError(`conv${i} of this emotion model is not the "same"-padded, stride-1, bias-free conv that moodwire builds`);
        const [kernel] = layer(`conv${i}`).getWeights() as [tf.Tensor3D];
        const [gamma, beta, mean, variance] = layer(`bn${i}`).getWeights() as tf.Tensor1D[];
        const scale = tf.div(gamma!, tf.sqrt(tf.add(variance!, config(`bn${i}`).epsilon as number)));
        // The last conv block has no pooling layer.
        const poolConfig = model.layers.some((l) => l.name === `${prefix}pool${i}`) ? config(`pool${i}`) : undefined;
        if (poolConfig && (poolConfig.padding !== "valid" || String(poolConfig.strides) !== String(poolConfig.poolSize))) throw new ModelInputError(`pool${i} of this emotion model is not the non-overlapping max-pooling that moodwire builds`);
        const pool = poolConfig ? (poolConfig.poolSize as number[] | number) : 1;
        this.convs.push({
          filter: tf.keep(tf.mul(kernel, scale).expandDims(0) as tf.Tensor4D), // [1, k, in, out]: a conv2d over a 1-high image
          bias: tf.keep(tf.sub(beta!, tf.mul(mean!, scale))),
          pool: Array.isArray(pool) ? pool[0]! : pool,
        });
      }
    });
    const [timelineKernel, timelineBias] = layer("timeline_features").getWeights() as [tf.Tensor3D, tf.Tensor1D];
    this.timeline = { kernel: tf.tidy(() => tf.keep(timelineKernel.squeeze([0]) as tf.Tensor2D)), bias: timelineBias.clone() };
    const [hiddenKernel, hiddenBias] = layer("hidden").getWeights() as [tf.Tensor2D, tf.Tensor1D];
    this.hidden = { kernel: hiddenKernel.clone(), bias: hiddenBias.clone() };
    const outputs = headNames.map((name) => layer(name));
    this.heads = outputs.map((l, i) => ({ name: headNames[i]!, units: l.getConfig().units as number, activation: String(l.getConfig().activation) }));
    for (const h of this.heads) if (!["tanh", "softmax"].includes(h.activation)) throw new ModelInputError(`output "${h.name}" has activation ${h.activation}, which the live emotion path does not run`);
    this.head = tf.tidy(() => ({
      kernel: tf.keep(tf.concat(outputs.map((l) => l.getWeights()[0]!), 1) as tf.Tensor2D),
      bias: tf.keep(tf.concat(outputs.map((l) => l.getWeights()[1]!), 0) as tf.Tensor1D),
    }));
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

/** The heads buildEmotionModel builds: tanh (valence/arousal, cues) or softmax (quadrant). */
function activate(activation: string, values: number[]): number[] {
  if (activation === "tanh") return values.map(Math.tanh);
  const top = Math.max(...values), e = values.map((v) => Math.exp(v - top)), sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
