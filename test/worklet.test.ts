// The analysis AudioWorklet in node-web-audio-api: offline and realtime contexts.
import { describe, expect, it } from "vitest";
import { analyzeSignal } from "../src/dsp/kernels.ts";
import { analyzeSignalInWorklet, analyzeSignalLive } from "../src/worklet/analysis-node.ts";
import { createFrameRing, FrameRingReader, FrameRingWriter } from "../src/worklet/frame-ring.ts";
import { dspOptions, referenceCases } from "./reference.ts";

describe("analysis worklet (OfflineAudioContext)", () => {
  it.each(referenceCases().map((c) => [c.name, c] as const))("gives the direct kernel's frames bit for bit: %s", async (_n, c) => {
    const direct = analyzeSignal(c.samples, dspOptions(c));
    const worklet = await analyzeSignalInWorklet(c.samples, dspOptions(c));
    expect(worklet.frames).toBe(direct.frames);
    expect(worklet.data).toEqual(direct.data);
  });

  it("renders a file longer than the ring in slices without dropping a frame", async () => {
    // 8192-frame ring at hop 64: ~9,000 frames force several suspend/drain/resume slices.
    const sr = 8000, n = sr * 75;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = Math.sin((2 * Math.PI * (200 + i / 400) * i) / sr) * 0.5;
    const opts = { sampleRate: sr, nFft: 256, hop: 64, nMels: 32, nMfcc: 13 };
    const direct = analyzeSignal(x, opts);
    expect(direct.frames).toBeGreaterThan(9000);
    const worklet = await analyzeSignalInWorklet(x, opts);
    expect(worklet.data).toEqual(direct.data);
  });

  it("counts non-finite input samples", async () => {
    const x = new Float32Array(4096).fill(0.1);
    x[100] = NaN; x[200] = Infinity;
    const m = await analyzeSignalInWorklet(x, { sampleRate: 16000, nFft: 512, hop: 256 });
    expect(m.nonFinite.count).toBe(2);
    expect(Array.from(m.data).every(Number.isFinite)).toBe(true);
  });
});

describe("analysis worklet (realtime AudioContext, sink 'none')", () => {
  it("streams frames equal to the kernel's while a signal plays", async () => {
    const c = referenceCases().find((r) => r.name.startsWith("noise"))!;
    const signal = c.samples.subarray(0, c.sr); // 1 s
    const received = new Map<number, Float32Array>();
    const { dropped, layout, startOffset } = await analyzeSignalLive(signal, dspOptions(c), (row, k) => received.set(k, row.slice()));
    expect(dropped).toBe(0);
    expect(startOffset).toBeGreaterThanOrEqual(0);
    // The worklet heard `startOffset` samples of silence, then the signal.
    const heard = new Float32Array(startOffset + signal.length);
    heard.set(signal, startOffset);
    const direct = analyzeSignal(heard, dspOptions(c));
    expect(direct.frames).toBeGreaterThan(90);
    // A start time in seconds is rarely an exact sample, so the source node may play
    // at a sub-sample offset of ~1e-12 and round a few samples differently: compare
    // to 1e-5 relative (bit-exactness is checked offline above).
    let worst = 0;
    for (let k = 0; k < direct.frames; k++) {
      const live = received.get(k);
      expect(live, `frame ${k}`).toBeDefined();
      const expected = direct.data.subarray(k * layout.stride, (k + 1) * layout.stride);
      expected.forEach((v, i) => { worst = Math.max(worst, Math.abs(live![i]! - v) / Math.max(1, Math.abs(v))); });
    }
    expect(worst).toBeLessThan(1e-5);
  });
});

describe("frame ring", () => {
  it("drops (and counts) rows when full instead of waiting, and delivers in order", () => {
    const buffers = createFrameRing(4, 3);
    const writer = new FrameRingWriter(buffers);
    const reader = new FrameRingReader(buffers);
    for (let k = 0; k < 6; k++) writer.write(new Float32Array([k, k, k]), k);
    expect(reader.dropped).toBe(2);
    const got: number[] = [];
    expect(reader.drain((row, k) => { got.push(k); expect(row[0]).toBe(k); })).toBe(4);
    expect(got).toEqual([0, 1, 2, 3]);
    for (let k = 6; k < 9; k++) writer.write(new Float32Array([k, k, k]), k);
    const later: number[] = [];
    reader.drain((_r, k) => later.push(k));
    expect(later).toEqual([6, 7, 8]);
  });
});
