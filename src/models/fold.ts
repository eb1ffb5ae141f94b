// Batch norm folded into the conv before it: in inference batch norm uses its moving
// statistics, so gamma * (conv(x) - mean) / sqrt(variance + epsilon) + beta is the conv with
// each filter's kernel scaled and a bias added. The live emotion path runs networks folded
// (emotion/folded.ts), and the benchmarks' plain-TS peers run the same folded weights.

import { tf } from "./tf.ts";

/** A bias-free conv's kernel (any rank, filters on the last axis) and the batch-norm layer after it, folded: scaled kernel and bias, in plain arrays. */
export function foldBatchNorm(kernel: tf.Tensor, batchNorm: tf.layers.Layer): { kernel: Float32Array; bias: Float32Array } {
  return tf.tidy(() => {
    const [gamma, beta, mean, variance] = batchNorm.getWeights() as tf.Tensor1D[];
    const epsilon = (batchNorm.getConfig() as { epsilon: number }).epsilon;
    const scale = tf.div(gamma!, tf.sqrt(tf.add(variance!, epsilon)));
    return { kernel: Float32Array.from(tf.mul(kernel, scale).dataSync()), bias: Float32Array.from(tf.sub(beta!, tf.mul(mean!, scale)).dataSync()) };
  });
}
