// The models benchmark's plain-TypeScript peer: the emotion network's forward pass, from the
// same folded weights the live tracker runs on tfjs-wasm (foldEmotionModel), written the way a
// careful JS programmer would: Float32Array buffers allocated once, loops whose innermost
// index walks contiguous memory, nothing allocated per window but the small output arrays.
// Timed in the same run as the tfjs path, it turns this VM's day-to-day swings into a ratio
// that holds from one day to the next. A test checks it computes the tfjs path's outputs.

import { addActivatedHeads, type FoldedConv, type FoldedModel, type FoldedWeights } from "../../src/models/emotion/folded.ts";
import { dense } from "./layers.ts";

/** Scratch for one network: each conv block's output before and after pooling, the summary, the hidden layer, the logits. */
interface Buffers { conv: Float32Array[]; pooled: Float32Array[]; summary: Float32Array; hidden: Float32Array; logits: Float32Array }

export class PlainEmotionNetwork {
  private readonly folded: FoldedModel;
  private readonly buffers: Buffers[];

  constructor(folded: FoldedModel) {
    this.folded = folded;
    this.buffers = folded.members.map((w) => {
      let steps = folded.frames;
      const conv: Float32Array[] = [], pooled: Float32Array[] = [];
      for (const c of w.convs) {
        conv.push(new Float32Array(steps * c.filters));
        steps = Math.floor(steps / c.pool);
        pooled.push(new Float32Array(steps * c.filters));
      }
      return { conv, pooled, summary: new Float32Array(w.hidden.inputs), hidden: new Float32Array(w.hidden.units), logits: new Float32Array(w.head.units) };
    });
  }

  get networks(): number {
    return this.folded.members.length;
  }

  /** The outputs for one window (frames x channels), one array per head, averaged over the networks: FoldedEmotionNetwork.run's. */
  run(window: Float32Array): number[][] {
    const outputs = this.folded.heads.map((h) => new Array<number>(h.units).fill(0));
    for (let k = 0; k < this.networks; k++) addActivatedHeads(this.folded.heads, this.logits(k, window), 1 / this.networks, outputs);
    return outputs;
  }

  /** Network k's logits for one window, every head's concatenated. */
  logits(k: number, window: Float32Array): Float32Array {
    const w: FoldedWeights = this.folded.members[k]!, b = this.buffers[k]!;
    let x = window, steps = this.folded.frames;
    w.convs.forEach((c, i) => {
      convolveRelu(x, steps, c, b.conv[i]!);
      if (c.pool > 1) {
        maxPool(b.conv[i]!, steps, c.filters, c.pool, b.pooled[i]!);
        steps = Math.floor(steps / c.pool);
        x = b.pooled[i]!;
      } else {
        x = b.conv[i]!;
      }
    });
    const channels = w.convs[w.convs.length - 1]!.filters;
    // The summary: each feature's mean over the steps, then the timeline (a ReLU dense layer per step, step by step).
    b.summary.fill(0, 0, channels);
    for (let t = 0; t < steps; t++) for (let c = 0; c < channels; c++) b.summary[c]! += x[t * channels + c]!;
    for (let c = 0; c < channels; c++) b.summary[c]! /= steps;
    for (let t = 0; t < steps; t++) dense(x, t * channels, w.timeline, true, b.summary, channels + t * w.timeline.units);
    dense(b.summary, 0, w.hidden, true, b.hidden, 0);
    dense(b.hidden, 0, w.head, false, b.logits, 0);
    return b.logits;
  }
}

/** A 'same'-padded, stride-1 conv over steps x inputs, bias and ReLU: out is steps x filters. */
function convolveRelu(x: Float32Array, steps: number, c: FoldedConv, out: Float32Array): void {
  const { kernel, bias, size, inputs, filters } = c, before = (size - 1) >> 1;
  for (let t = 0; t < steps; t++) {
    const o = t * filters;
    out.set(bias, o);
    for (let k = 0; k < size; k++) {
      const s = t + k - before;
      if (s < 0 || s >= steps) continue;
      for (let i = 0; i < inputs; i++) {
        const v = x[s * inputs + i]!;
        const row = (k * inputs + i) * filters;
        for (let f = 0; f < filters; f++) out[o + f]! += v * kernel[row + f]!;
      }
    }
    for (let f = 0; f < filters; f++) if (out[o + f]! < 0) out[o + f] = 0;
  }
}

/** Non-overlapping max-pooling of `pool` steps ('valid': a last partial group is dropped). */
function maxPool(x: Float32Array, steps: number, channels: number, pool: number, out: Float32Array): void {
  const outSteps = Math.floor(steps / pool);
  for (let t = 0; t < outSteps; t++) {
    for (let c = 0; c < channels; c++) {
      let m = -Infinity;
      for (let p = 0; p < pool; p++) m = Math.max(m, x[(t * pool + p) * channels + c]!);
      out[t * channels + c] = m;
    }
  }
}
