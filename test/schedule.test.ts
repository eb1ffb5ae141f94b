// The learning-rate schedule: the cosine's ends and middle, and that setting the rate on a
// real tfjs Adam optimizer changes its next step (Adam's first step moves a weight by
// exactly its rate, whatever the gradient's size).
import { beforeAll, describe, expect, it } from "vitest";
import { cosineRate, setLearningRate } from "../src/models/schedule.ts";
import { loadTf, tf } from "../src/models/tf.ts";

describe("learning-rate schedule", () => {
  beforeAll(async () => { await loadTf(); });

  it("decays along a cosine from start to end", () => {
    expect(cosineRate(1e-3, 5e-5, 0)).toBeCloseTo(1e-3, 12);
    expect(cosineRate(1e-3, 5e-5, 0.5)).toBeCloseTo((1e-3 + 5e-5) / 2, 12);
    expect(cosineRate(1e-3, 5e-5, 1)).toBeCloseTo(5e-5, 12);
    expect(cosineRate(1e-3, 5e-5, 2)).toBeCloseTo(5e-5, 12); // clamped past the end
    expect(cosineRate(1e-3, 5e-5, 0.25)).toBeGreaterThan(cosineRate(1e-3, 5e-5, 0.75));
  });

  it("sets the rate a tfjs Adam optimizer uses at its next step", () => {
    for (const rate of [1e-3, 0.25]) {
      const w = tf.variable(tf.scalar(1));
      const optimizer = tf.train.adam(0.5);
      setLearningRate(optimizer, rate);
      optimizer.minimize(() => tf.mul(w, 3) as tf.Scalar);
      expect(1 - w.dataSync()[0]!).toBeCloseTo(rate, 5);
      w.dispose();
      optimizer.dispose();
    }
  });
});
