// Sample-rate conversion with the WASM kernel (assembly/resample.ts): models have one fixed
// input rate, and audio arrives at whatever rate the file or the sound card has.

import { instantiateDsp } from "./kernels.ts";

interface ResampleExports {
  memory: WebAssembly.Memory;
  createResampler(inRate: number, outRate: number, maxBlock: number): number;
  resamplerPush(r: number, count: number): number;
  resamplerReset(r: number): void;
  resamplerInputPointer(r: number): number;
  resamplerOutputPointer(r: number): number;
  resamplerReach(r: number): number;
}

/** Streaming converter: push blocks of samples, receive converted blocks. Time 0 is aligned. */
export class Resampler {
  readonly inRate: number;
  readonly outRate: number;
  private readonly exports: ResampleExports;
  private readonly handle: number;
  private readonly input: Float32Array;
  private readonly output: Float32Array;
  private readonly reach: number;
  private consumed = 0;
  private produced = 0;

  constructor(inRate: number, outRate: number, maxBlock = 4096) {
    for (const [name, rate] of [["input", inRate], ["output", outRate]] as const) {
      if (!Number.isFinite(rate) || rate < 1000 || rate > 768000) throw new Error(`${name} sample rate must be from 1000 to 768000 Hz, got ${rate}`);
    }
    this.inRate = inRate;
    this.outRate = outRate;
    const x = instantiateDsp<ResampleExports>();
    const h = x.createResampler(inRate, outRate, maxBlock);
    this.exports = x;
    this.handle = h;
    this.reach = x.resamplerReach(h);
    this.input = new Float32Array(x.memory.buffer, x.resamplerInputPointer(h), maxBlock);
    const maxOut = Math.ceil((maxBlock + 2 * this.reach + 2) * outRate / inRate) + 2;
    this.output = new Float32Array(x.memory.buffer, x.resamplerOutputPointer(h), maxOut);
  }

  /**
   * Converts samples[0..count); onBlock receives each converted block (a view, valid only
   * during the call). Non-finite samples become 0 so one bad value cannot smear a whole kernel.
   */
  push(samples: Float32Array, onBlock: (block: Float32Array) => void, count = samples.length): void {
    const block = this.input.length;
    for (let from = 0; from < count; from += block) {
      const n = Math.min(block, count - from);
      for (let i = 0; i < n; i++) {
        const v = samples[from + i]!;
        this.input[i] = Number.isFinite(v) ? v : 0;
      }
      const produced = this.exports.resamplerPush(this.handle, n);
      this.consumed += n;
      this.produced += produced;
      if (produced > 0) onBlock(this.output.subarray(0, produced));
    }
  }

  /**
   * Emits the outputs still waiting for future input, as if silence followed, so that the
   * total is round(consumed * outRate / inRate). Then the converter starts over.
   */
  flush(onBlock: (block: Float32Array) => void): void {
    const total = Math.round(this.consumed * this.outRate / this.inRate);
    const padding = new Float32Array(this.reach + 2);
    let missing = total - this.produced;
    if (missing > 0) {
      this.push(padding, (blockOut) => {
        const n = Math.min(missing, blockOut.length);
        if (n > 0) onBlock(blockOut.subarray(0, n));
        missing -= n;
      });
    }
    this.reset();
  }

  reset(): void {
    this.exports.resamplerReset(this.handle);
    this.consumed = 0;
    this.produced = 0;
  }
}

/** Converts a whole signal; returns the input itself when the rates are equal. */
export function resampleSignal(samples: Float32Array, inRate: number, outRate: number): Float32Array {
  if (inRate === outRate) return samples;
  const resampler = new Resampler(inRate, outRate);
  const out = new Float32Array(Math.round(samples.length * outRate / inRate));
  let at = 0;
  const collect = (block: Float32Array) => {
    const n = Math.min(block.length, out.length - at);
    out.set(block.subarray(0, n), at);
    at += n;
  };
  resampler.push(samples, collect);
  resampler.flush(collect);
  return out;
}
