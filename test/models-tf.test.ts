// TensorFlow.js on the WASM backend: our Conv2DBackpropFilter kernel against the cpu backend,
// a conv layer that trains, and models saved and loaded as files without tfjs-node.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel, saveModel } from "../src/models/io.ts";
import { loadTf, tf } from "../src/models/tf.ts";

beforeAll(async () => { await loadTf(); });

async function onBackend<T>(name: string, fn: () => T): Promise<T> {
  await tf.setBackend(name);
  try { return fn(); } finally { await tf.setBackend("wasm"); }
}

function maxRelativeDifference(a: tf.Tensor, b: number[]): number {
  const got = Array.from(a.dataSync());
  const scale = Math.max(...b.map(Math.abs));
  return Math.max(...got.map((v, i) => Math.abs(v - b[i]!))) / scale;
}

describe("conv gradients on wasm", () => {
  it("is registered by loadTf (tfjs issue #8474 leaves it out)", () => {
    expect(tf.getKernel("Conv2DBackpropFilter", "wasm")).toBeDefined();
    expect(tf.getBackend()).toBe("wasm");
  });

  for (const pad of ["same", "valid"] as const) {
    for (const stride of [1, 2]) {
      for (const [h, w, k] of [[9, 8, 3], [16, 13, 5]]) {
        it(`matches the cpu backend: pad ${pad}, stride ${stride}, ${h}x${w} input, ${k}x${k} filter`, async () => {
          const x = tf.randomNormal([2, h, w, 3], 0, 1, "float32", 1) as tf.Tensor4D;
          const filter = tf.randomNormal([k, k, 3, 4], 0, 1, "float32", 2) as tf.Tensor4D;
          const loss = (f: tf.Tensor) => tf.conv2d(x, f as tf.Tensor4D, stride, pad).square().sum();
          const before = tf.memory().numTensors;
          const wasm = tf.grad(loss)(filter);
          expect(tf.memory().numTensors).toBe(before + 1); // only the gradient survives
          const cpu = await onBackend("cpu", () => tf.grad(loss)(filter).arraySync());
          const got = wasm.arraySync() as number[][][][];
          const scale = Math.max(...(cpu as number[][][][]).flat(3).map(Math.abs));
          const worst = Math.max(...got.flat(3).map((v, i) => Math.abs(v - (cpu as number[][][][]).flat(3)[i])));
          expect(scale).toBeGreaterThan(1);
          expect(worst / scale).toBeLessThan(1e-5);
          // The input gradient goes through our stride-1 Conv2DBackpropInput (the backend's own for stride 2).
          const lossOfX = (input: tf.Tensor) => tf.conv2d(input as tf.Tensor4D, filter, stride, pad).square().sum();
          const dx = tf.grad(lossOfX)(x);
          const dxCpu = await onBackend("cpu", () => Array.from(tf.grad(lossOfX)(x).dataSync()));
          expect(maxRelativeDifference(dx, dxCpu)).toBeLessThan(1e-5);
          tf.dispose([x, filter, wasm, dx]);
        });
      }
    }
  }

  it("batch norm's broadcasting gradient equals autodiff of the unfused formula", () => {
    const x = tf.randomNormal([3, 5, 4, 6], 0, 2, "float32", 4);
    const mean = tf.randomNormal([6], 0, 1, "float32", 5), variance = tf.randomUniform([6], 0.5, 2, "float32", 6);
    const offset = tf.randomNormal([6], 0, 1, "float32", 7), scale = tf.randomNormal([6], 1, 0.3, "float32", 8);
    const weights = tf.randomNormal(x.shape, 0, 1, "float32", 9);
    const fused = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) => tf.batchNorm(a, m, v, o, s, 1e-3).mul(weights).sum();
    const plain = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) => a.sub(m).mul(tf.rsqrt(v.add(1e-3))).mul(s).add(o).mul(weights).sum();
    const got = tf.grads(fused)([x, mean, variance, offset, scale]);
    const want = tf.grads(plain)([x, mean, variance, offset, scale]);
    got.forEach((g, i) => expect(maxRelativeDifference(g, Array.from(want[i]!.dataSync()))).toBeLessThan(1e-5));
  });

  it("lets a conv layer learn on wasm", async () => {
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }),
      tf.layers.flatten(), tf.layers.dense({ units: 1, activation: "sigmoid" }),
    ] });
    model.compile({ optimizer: tf.train.adam(0.05), loss: "binaryCrossentropy" });
    // Bright top half = 1, bright bottom half = 0.
    const xs = tf.tidy(() => tf.concat([
      tf.concat([tf.ones([16, 4, 8, 1]), tf.zeros([16, 4, 8, 1])], 1),
      tf.concat([tf.zeros([16, 4, 8, 1]), tf.ones([16, 4, 8, 1])], 1)]).add(tf.randomUniform([32, 8, 8, 1], 0, 0.3, "float32", 3)));
    const ys = tf.concat([tf.ones([16, 1]), tf.zeros([16, 1])]);
    const convBefore = (model.layers[0].getWeights()[0].arraySync() as number[][][][]).flat(3);
    const history = await model.fit(xs, ys, { epochs: 30, batchSize: 32, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.at(-1)!).toBeLessThan(losses[0] / 4);
    const convAfter = (model.layers[0].getWeights()[0].arraySync() as number[][][][]).flat(3);
    expect(convAfter.some((v, i) => v !== convBefore[i])).toBe(true);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe("model files", () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), "moodwire-model-")); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("round-trips model.json + weights.bin with metadata, same predictions", async () => {
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, padding: "same" }),
      tf.layers.batchNormalization(), tf.layers.flatten(), tf.layers.dense({ units: 3, activation: "sigmoid" }),
    ] });
    const bytes = await saveModel(model, dir, { classes: ["a", "b", "c"] });
    expect(bytes).toBeGreaterThan(0);
    const { model: loaded, metadata } = await loadModel<{ classes: string[] }>(dir);
    expect(metadata.classes).toEqual(["a", "b", "c"]);
    const x = tf.randomNormal([4, 6, 6, 1], 0, 1, "float32", 9);
    expect((loaded.predict(x) as tf.Tensor).arraySync()).toEqual((model.predict(x) as tf.Tensor).arraySync());
  });

  it("names the folder when a model cannot be read", async () => {
    await expect(loadModel(join(dir, "missing"))).rejects.toThrow(/cannot read a model from .*missing/);
  });
});
