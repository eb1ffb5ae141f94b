// The mean of a model's weights over the last epochs of training (stochastic weight
// averaging, Izmailov et al. 2018). With a constant Adam rate the weights at the end of any
// one epoch sit wherever the last batches pushed them; their mean over a few epochs sits
// nearer the middle of the region those epochs explored. `learn --average-epochs 4` uses it:
// on the development classes the old classes lost 0.005 F1 on average (0.019 with the last
// epoch's weights) and the new class was learned less well (F1 0.443 against 0.476), so it is
// an option, not the default (README, "The mean of the last epochs' weights").

import { tf } from "./tf.ts";

export class WeightAverage {
  private readonly layers: tf.layers.Layer[];
  /** Per layer, per weight: the running sum, in float64 so that adding a few snapshots loses nothing. */
  private readonly sums: Float64Array[][];
  private snapshots = 0;

  /** Averages the weights (moving statistics included) of `layers`; the others are left alone. */
  constructor(layers: tf.layers.Layer[]) {
    this.layers = layers.filter((layer) => layer.getWeights().length > 0);
    this.sums = this.layers.map((layer) => layer.getWeights().map((w) => new Float64Array(w.size)));
  }

  /** Counts the layers' weights as they are now (call it at the end of an epoch). */
  add(): void {
    this.layers.forEach((layer, i) => layer.getWeights().forEach((w, j) => {
      const values = w.dataSync(), sum = this.sums[i]![j]!;
      for (let k = 0; k < values.length; k++) sum[k] += values[k]!;
    }));
    this.snapshots++;
  }

  get count(): number {
    return this.snapshots;
  }

  /** Sets the layers' weights to the mean of what add() counted (nothing counted: unchanged). */
  apply(): void {
    if (this.snapshots === 0) return;
    const n = this.snapshots;
    for (const [i, layer] of this.layers.entries()) {
      const means = layer.getWeights().map((w, j) => tf.tensor(Float32Array.from(this.sums[i]![j]!, (v) => v / n), w.shape));
      layer.setWeights(means);
      tf.dispose(means);
    }
  }
}
