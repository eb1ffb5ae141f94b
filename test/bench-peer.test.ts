// The benchmark's plain-TypeScript peer must compute what the kernels compute, or
// the speed ratio in the README would compare different work.
import { describe, expect, it } from "vitest";
import { PlainTsAnalyzer } from "../bench/peers/plain-ts.ts";
import { benchSignal } from "../bench/signal.ts";
import { analyzeSignal } from "../src/dsp/kernels.ts";

describe("plain-TS benchmark peer", () => {
  it("matches the WASM kernels frame by frame", () => {
    const opts = { sampleRate: 44100, nFft: 2048, hop: 512, nMels: 128, nMfcc: 20 };
    const x = benchSignal(3, 44100);
    const kernel = analyzeSignal(x, opts);
    const peer = new PlainTsAnalyzer(opts);
    expect(peer.stride).toBe(kernel.layout.stride);
    let worst = 0;
    for (let k = 0; k < kernel.frames; k++) {
      const row = peer.analyze(x, k * opts.hop);
      for (let i = 0; i < peer.stride; i++) {
        const v = kernel.data[k * peer.stride + i]!;
        worst = Math.max(worst, Math.abs(row[i]! - v) / Math.max(1, Math.abs(v)));
      }
    }
    expect(worst).toBeLessThan(1e-4);
  });
});
