// The models benchmark's plain-TypeScript peer for sound event detection: the SED network's
// forward pass for one window, from the trained model's weights (batch norm folded into each
// conv, as foldBatchNorm does for the emotion network), written the way a careful JS
// programmer would: Float32Array buffers allocated once, loops whose innermost index walks
// contiguous memory. Timed in the same run as tfjs-wasm's predict, it gives a ratio that holds
// from one day of this VM to the next. A test checks it computes the model's probabilities.

import { foldBatchNorm } from "../../src/models/fold.ts";
import { HIDDEN_LAYER, LOGITS_LAYER, type SedArchitecture } from "../../src/models/sed/model.ts";
import type { tf } from "../../src/models/tf.ts";
import { dense, type DenseWeights as Dense } from "./layers.ts";

interface Conv { kernel: Float32Array; bias: Float32Array; size: number; inputs: number; filters: number }

export class PlainSedNetwork {
  private readonly convs: Conv[];
  private readonly hidden: Dense;
  private readonly logits: Dense;
  private readonly architecture: SedArchitecture;
  private readonly frames: number;
  private readonly mels: number;
  /** Per conv block: its input (the views first), its output before pooling. */
  private readonly inputs: Float32Array[];
  private readonly outputs: Float32Array[];
  private readonly summary: Float32Array;
  private readonly hiddenOut: Float32Array;
  private readonly probabilities: Float32Array;

  /** A base model built by buildSedModel (any of its views and poolings), its layers unprefixed. */
  constructor(model: tf.LayersModel, architecture: SedArchitecture) {
    const [, frames, mels] = model.inputs[0]!.shape as number[];
    this.frames = frames!;
    this.mels = mels!;
    this.architecture = architecture;
    this.convs = architecture.filters.map((_, i) => {
      const [kernel] = model.getLayer(`conv${i + 1}`).getWeights();
      const [size, , inputs, filters] = kernel!.shape;
      return { ...foldBatchNorm(kernel!, model.getLayer(`bn${i + 1}`)), size: size!, inputs: inputs!, filters: filters! };
    });
    const dense = (name: string): Dense => {
      const [kernel, bias] = model.getLayer(name).getWeights();
      return { kernel: Float32Array.from(kernel!.dataSync()), bias: Float32Array.from(bias!.dataSync()), inputs: kernel!.shape[0]!, units: kernel!.shape[1]! };
    };
    this.hidden = dense(HIDDEN_LAYER);
    this.logits = dense(LOGITS_LAYER);
    this.inputs = [];
    this.outputs = [];
    let h = this.frames, w = this.mels;
    for (const c of this.convs) {
      this.inputs.push(new Float32Array(h * w * c.inputs));
      this.outputs.push(new Float32Array(h * w * c.filters));
      h >>= 1;
      w >>= 1;
    }
    this.inputs.push(new Float32Array(h * w * this.convs[this.convs.length - 1]!.filters));
    this.summary = new Float32Array(this.hidden.inputs);
    this.hiddenOut = new Float32Array(this.hidden.units);
    this.probabilities = new Float32Array(this.logits.units);
  }

  /** Every class's probability for one window (frames x mels, as the model's input). */
  run(window: Float32Array): Float32Array {
    const views = this.architecture.view === "centred" ? 2 : 1, first = this.inputs[0]!;
    for (let m = 0; m < this.mels; m++) {
      let mean = 0;
      for (let t = 0; t < this.frames; t++) mean += window[t * this.mels + m]!;
      mean /= this.frames;
      for (let t = 0; t < this.frames; t++) {
        const v = window[t * this.mels + m]!, at = (t * this.mels + m) * views;
        first[at] = v;
        if (views === 2) first[at + 1] = v - mean;
      }
    }
    let h = this.frames, w = this.mels;
    this.convs.forEach((c, i) => {
      convolveRelu(this.inputs[i]!, h, w, c, this.outputs[i]!);
      maxPool2x2(this.outputs[i]!, h, w, c.filters, this.inputs[i + 1]!);
      h >>= 1;
      w >>= 1;
    });
    const map = this.inputs[this.convs.length]!, channels = this.convs[this.convs.length - 1]!.filters;
    if (this.architecture.pooling === "time") {
      // Max and mean over time per frequency, side by side per frequency as the model concatenates them.
      for (let f = 0; f < w; f++) {
        for (let c = 0; c < channels; c++) {
          let peak = -Infinity, sum = 0;
          for (let t = 0; t < h; t++) {
            const v = map[(t * w + f) * channels + c]!;
            peak = Math.max(peak, v);
            sum += v;
          }
          this.summary[f * 2 * channels + c] = peak;
          this.summary[f * 2 * channels + channels + c] = sum / h;
        }
      }
    } else {
      this.summary.set(map);
    }
    dense(this.summary, 0, this.hidden, true, this.hiddenOut, 0);
    dense(this.hiddenOut, 0, this.logits, false, this.probabilities, 0);
    for (let k = 0; k < this.probabilities.length; k++) this.probabilities[k] = 1 / (1 + Math.exp(-this.probabilities[k]!));
    return this.probabilities;
  }
}

/** A 'same'-padded, stride-1 square conv over h x w x inputs, bias and ReLU: out is h x w x filters. */
function convolveRelu(x: Float32Array, h: number, w: number, c: Conv, out: Float32Array): void {
  const { kernel, bias, size, inputs, filters } = c, before = (size - 1) >> 1;
  for (let y = 0; y < h; y++) {
    for (let z = 0; z < w; z++) {
      const o = (y * w + z) * filters;
      out.set(bias, o);
      for (let dy = 0; dy < size; dy++) {
        const sy = y + dy - before;
        if (sy < 0 || sy >= h) continue;
        for (let dz = 0; dz < size; dz++) {
          const sz = z + dz - before;
          if (sz < 0 || sz >= w) continue;
          const from = (sy * w + sz) * inputs, row = (dy * size + dz) * inputs;
          for (let i = 0; i < inputs; i++) {
            const v = x[from + i]!, k = (row + i) * filters;
            for (let f = 0; f < filters; f++) out[o + f]! += v * kernel[k + f]!;
          }
        }
      }
      for (let f = 0; f < filters; f++) if (out[o + f]! < 0) out[o + f] = 0;
    }
  }
}

/** 2x2 max-pooling, stride 2 ('valid'). */
function maxPool2x2(x: Float32Array, h: number, w: number, channels: number, out: Float32Array): void {
  const oh = h >> 1, ow = w >> 1;
  for (let y = 0; y < oh; y++) {
    for (let z = 0; z < ow; z++) {
      const top = ((2 * y) * w + 2 * z) * channels, bottom = top + w * channels;
      for (let c = 0; c < channels; c++) {
        out[(y * ow + z) * channels + c] = Math.max(x[top + c]!, x[top + channels + c]!, x[bottom + c]!, x[bottom + channels + c]!);
      }
    }
  }
}
