// Weight averaging (learn keeps the mean of its last epochs' weights): the mean of what was
// counted, layers not given left alone, and nothing counted means nothing changed.
import { beforeAll, describe, expect, it } from "vitest";
import { loadTf, tf } from "../src/models/tf.ts";
import { WeightAverage } from "../src/models/weight-average.ts";

describe("WeightAverage", () => {
  beforeAll(async () => { await loadTf(); });

  function twoLayers() {
    const input = tf.input({ shape: [3] });
    const first = tf.layers.dense({ units: 2, name: "first" });
    const second = tf.layers.batchNormalization({ name: "second" });
    const model = tf.model({ inputs: input, outputs: second.apply(first.apply(input)) as tf.SymbolicTensor });
    return { model, first, second };
  }
  const values = (layer: tf.layers.Layer) => layer.getWeights().map((w) => Array.from(w.dataSync()));
  const fill = (layer: tf.layers.Layer, v: number) => layer.setWeights(layer.getWeights().map((w) => tf.fill(w.shape, v)));

  it("sets the given layers to the mean of the snapshots counted, moving statistics included, and leaves the others", () => {
    const { model, first, second } = twoLayers();
    const average = new WeightAverage([first]);
    fill(first, 1); average.add();
    fill(first, 2); average.add();
    fill(first, 6); average.add();
    fill(second, 5);
    const secondBefore = values(second);
    expect(average.count).toBe(3);
    const tensors = tf.memory().numTensors;
    average.apply();
    expect(tf.memory().numTensors).toBe(tensors); // the mean replaced the weights, nothing leaked
    for (const w of values(first)) for (const v of w) expect(v).toBeCloseTo(3, 6);
    expect(values(second)).toEqual(secondBefore);

    // Batch norm's moving mean and variance are weights too, and are averaged with the rest.
    const norm = new WeightAverage([second]);
    norm.add(); fill(second, 7); norm.add(); norm.apply();
    for (const w of values(second)) for (const v of w) expect(v).toBeCloseTo(6, 6);
    model.dispose();
  });

  it("with nothing counted leaves the weights as they are", () => {
    const { model, first } = twoLayers();
    fill(first, 4);
    const before = values(first);
    new WeightAverage([first]).apply();
    expect(values(first)).toEqual(before);
    model.dispose();
  });
});
