// Counts what the analysis worklet's process() allocates: the real processor class,
// driven directly for many render quanta, with the JS heap measured before and after
// (run with --expose-gc). Prints one JSON line. Used by bench/dsp.ts.

import { PerformanceObserver } from "node:perf_hooks";
import { loadDspModule, FeatureExtractor } from "../src/dsp/kernels.ts";
import { createFrameRing, FrameRingReader } from "../src/worklet/frame-ring.ts";
import { benchSignal } from "./signal.ts";

const g = globalThis as Record<string, unknown>;
let Processor: new (options: unknown) => { process(inputs: Float32Array[][]): boolean } = undefined!;
g.AudioWorkletProcessor = class { port = { onmessage: null, postMessage() {} }; };
g.registerProcessor = (_name: string, ctor: typeof Processor) => { Processor = ctor; };
g.currentFrame = 0;
await import("../worklets/analysis-processor.ts");

const sampleRate = 44100;
const config = new FeatureExtractor({ sampleRate }).config;
const { layout } = new FeatureExtractor(config, { maxBlock: 1 });
const quanta = 40_000; // ~116 s of audio
const warmup = 5000;
const ring = createFrameRing(Math.ceil(((quanta + warmup) * 128) / config.hop) + 16, layout.stride);
const processor = new Processor({ processorOptions: { config, module: loadDspModule(), ring } });
const signal = benchSignal(2, sampleRate);
const channel = new Float32Array(128);
const inputs = [[channel]];

/** One render quantum, as the audio engine drives it: copy input, call process(). */
function quantum(q: number): void {
  const base = (q * 128) % (signal.length - 128);
  for (let i = 0; i < 128; i++) channel[i] = signal[base + i]!;
  g.currentFrame = q * 128;
  processor.process(inputs);
}
function nothing(_q: number): void {}

/**
 * Heap growth per call of fn over `count` calls, after a warm-up that lets the JIT
 * optimise it (unoptimised code boxes every double and would count the harness).
 */
async function bytesPerCall(fn: (q: number) => void, from: number, count: number): Promise<{ bytes: number; gcs: number }> {
  for (let q = from; q < from + warmup; q++) fn(q);
  (g.gc as () => void)();
  await new Promise((r) => setTimeout(r, 10));
  gcs = 0;
  const before = process.memoryUsage().heapUsed;
  for (let q = from + warmup; q < from + warmup + count; q++) fn(q);
  const after = process.memoryUsage().heapUsed;
  await new Promise((r) => setTimeout(r, 10));
  return { bytes: (after - before) / count, gcs };
}

let gcs = 0;
const observer = new PerformanceObserver((list) => { gcs += list.getEntries().length; });
observer.observe({ entryTypes: ["gc"] });
const baseline = await bytesPerCall(nothing, 0, quanta);
const measured = await bytesPerCall(quantum, 0, quanta);
observer.disconnect();
const reader = new FrameRingReader(ring);
console.log(JSON.stringify({
  quanta,
  frames_written: reader.drain(() => {}),
  dropped: reader.dropped,
  bytes_per_quantum: measured.bytes,
  harness_baseline_bytes_per_call: baseline.bytes,
  gc_runs_during: measured.gcs,
}));
