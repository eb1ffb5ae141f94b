// The benchmarks' plain-TypeScript peers must compute what moodwire computes, or the speed
// ratios in the README would compare different work.
import { beforeAll, describe, expect, it } from "vitest";
import { PlainTsAnalyzer } from "../bench/peers/plain-ts.ts";
import { PlainEmotionNetwork } from "../bench/peers/plain-emotion.ts";
import { PlainSedNetwork } from "../bench/peers/plain-sed.ts";
import { benchSignal } from "../bench/signal.ts";
import { DEFAULT_EMOTION_MODEL } from "../src/cli/emotion.ts";
import { DEFAULT_SED_MODEL } from "../src/cli/sed.ts";
import type { SedMetadata } from "../src/models/sed/train.ts";
import { analyzeSignal } from "../src/dsp/kernels.ts";
import { FoldedEmotionNetwork, foldEmotionModel } from "../src/models/emotion/folded.ts";
import { loadModel } from "../src/models/io.ts";
import { seededRandom } from "../src/models/random.ts";
import { loadTf, tf } from "../src/models/tf.ts";

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

describe("plain-TS emotion network (the models benchmark's peer)", () => {
  beforeAll(async () => { await loadTf(); });

  it("gives the shipped model's outputs, network by network and averaged, as the folded tfjs path does", async () => {
    const { model } = await loadModel(DEFAULT_EMOTION_MODEL);
    const folded = foldEmotionModel(model);
    expect(folded.members.length).toBeGreaterThan(1);
    const tfjs = new FoldedEmotionNetwork(model), first = new FoldedEmotionNetwork(model, { networks: 1 });
    const peer = new PlainEmotionNetwork(folded), peerFirst = new PlainEmotionNetwork(foldEmotionModel(model, { networks: 1 }));
    const random = seededRandom(7);
    let worst = 0, spreadOut = 0;
    for (let w = 0; w < 4; w++) {
      // Standardised inputs, as the tracker's windows are.
      const window = Float32Array.from({ length: folded.frames * folded.channels }, () => (random() - 0.5) * 3);
      for (const [a, b] of [[peer.run(window), tfjs.run(window)], [peerFirst.run(window), first.run(window)]] as const) {
        b.forEach((head, h) => head.forEach((v, j) => { worst = Math.max(worst, Math.abs(a[h]![j]! - v)); }));
      }
      // The average is not its first network: the comparison above covers every network.
      spreadOut = Math.max(spreadOut, Math.abs(tfjs.run(window)[0]![0]! - first.run(window)[0]![0]!));
    }
    expect(worst).toBeLessThan(1e-4);
    expect(spreadOut).toBeGreaterThan(1e-3);
    tfjs.dispose();
    first.dispose();
    model.dispose();
  });
});

describe("plain-TS SED network (the models benchmark's peer)", () => {
  beforeAll(async () => { await loadTf(); });

  it("gives the shipped model's probabilities", async () => {
    const { model, metadata } = await loadModel<SedMetadata>(DEFAULT_SED_MODEL);
    const f = metadata.frontEnd, peer = new PlainSedNetwork(model, metadata.architecture!);
    const random = seededRandom(11);
    let worst = 0, range = 0;
    for (let w = 0; w < 4; w++) {
      // A standardised window with a loud stretch in some bands, so the classes' outputs differ.
      const window = Float32Array.from({ length: f.patchFrames * f.nMels }, (_, i) => (random() - 0.5) * 2 + (w > 0 && i % f.nMels < 8 * w && i > 2000 ? 2 : 0));
      const want = tf.tidy(() => (model.predict(tf.tensor4d(window, [1, f.patchFrames, f.nMels, 1])) as tf.Tensor).dataSync());
      const got = peer.run(window);
      expect(got.length).toBe(metadata.classes.length);
      want.forEach((v, k) => { worst = Math.max(worst, Math.abs(got[k]! - v)); });
      range = Math.max(range, Math.max(...want) - Math.min(...want));
    }
    expect(worst).toBeLessThan(1e-4);
    expect(range).toBeGreaterThan(0.05);
    model.dispose();
  });
});
