// Plain-TS layers shared by the benchmarks' network peers (plain-emotion.ts, plain-sed.ts).

/** A dense layer's weights: kernel inputs x units, row-major. */
export interface DenseWeights { kernel: Float32Array; bias: Float32Array; inputs: number; units: number }

/** out[at ..] = x[from ..] (d.inputs values) times d.kernel plus d.bias, ReLU if asked. */
export function dense(x: Float32Array, from: number, d: DenseWeights, relu: boolean, out: Float32Array, at: number): void {
  out.set(d.bias, at);
  for (let i = 0; i < d.inputs; i++) {
    const v = x[from + i]!, row = i * d.units;
    for (let u = 0; u < d.units; u++) out[at + u]! += v * d.kernel[row + u]!;
  }
  if (relu) for (let u = 0; u < d.units; u++) if (out[at + u]! < 0) out[at + u] = 0;
}
