// The analysis AudioWorkletProcessor: runs the same WASM kernels as the CLI on every
// render quantum and hands finished frames to the main thread through a
// SharedArrayBuffer ring. process() allocates nothing and never waits.
//
// Registered as "moodwire-analysis". processorOptions (see src/worklet/analysis-node.ts):
//   config       DspConfig
//   module       compiled dsp.wasm (WebAssembly.Module)
//   ring         FrameRingBuffers
//   totalSamples optional: ignore input past this many samples (offline files)
//   timings      optional SharedArrayBuffer: each process() duration (ms) is written
//                into it for the benchmark ([0] = count, then durations)
//   audioRing    optional FrameRingBuffers of stride 128: every input quantum, for the
//                models that need their own front end (the live engine)
//   load         optional SharedArrayBuffer, 3 float64: [quanta, total ms, longest ms];
//                the main thread reads it for the dashboard's callback load

import { FeatureExtractor } from "../src/dsp/kernels.ts";
import { FrameRingWriter } from "../src/worklet/frame-ring.ts";
import type { AnalysisProcessorOptions } from "../src/worklet/analysis-node.ts";

declare const currentFrame: number;
declare function registerProcessor(name: string, ctor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

class AnalysisProcessor extends AudioWorkletProcessor {
  private readonly extractor: FeatureExtractor;
  private readonly ring: FrameRingWriter;
  /** Offline files only: samples in the file (-1: unlimited, live input). */
  private readonly totalSamples: number;
  /** [0] = how many durations follow; shared with the main thread. */
  private readonly timings: Float64Array | null;
  private readonly audioRing: FrameRingWriter | null;
  private readonly load: Float64Array | null;
  private started = false;
  private readonly onRow: (row: Float32Array, index: number) => void;

  constructor(options: { processorOptions: AnalysisProcessorOptions }) {
    super();
    const { config, module, ring, totalSamples, timings, audioRing, load } = options.processorOptions;
    this.extractor = new FeatureExtractor(config, { module, maxBlock: 1024 });
    this.ring = new FrameRingWriter(ring);
    // -1 rather than Infinity: arithmetic on Infinity makes a boxed double per quantum.
    this.totalSamples = totalSamples ?? -1;
    this.timings = timings ? new Float64Array(timings) : null;
    this.audioRing = audioRing ? new FrameRingWriter(audioRing) : null;
    this.load = load ? new Float64Array(load) : null;
    this.onRow = (row, index) => { this.ring.write(row, index); };
  }

  process(inputs: Float32Array[][]): boolean {
    const start = this.timings || this.load ? performance.now() : 0;
    if (!this.started) {
      this.started = true;
      this.ring.setStartFrame(currentFrame);
    }
    const channel = inputs[0]?.[0];
    if (channel) {
      // Offline files: the last render quantum runs past the end of the file; those
      // padding zeros are not part of the signal and would add a frame the kernel
      // engine does not see.
      const count = this.totalSamples < 0 ? channel.length : Math.min(channel.length, this.totalSamples - currentFrame);
      if (count > 0) {
        this.extractor.push(channel, this.onRow, count);
        this.ring.setNonFinite(this.extractor.nonFiniteCount);
      }
      // The raw quantum, for the models' own front ends (a full ring drops and counts it).
      if (this.audioRing && channel.length === 128) this.audioRing.write(channel, currentFrame);
    }
    const load = this.load;
    if (load) {
      const ms = performance.now() - start;
      load[0] = load[0]! + 1;
      load[1] = load[1]! + ms;
      if (ms > load[2]!) load[2] = ms;
    }
    const timings = this.timings;
    if (timings) {
      const n = timings[0]!;
      if (n < timings.length - 1) {
        timings[n + 1] = performance.now() - start;
        timings[0] = n + 1;
      }
    }
    return true;
  }
}

registerProcessor("moodwire-analysis", AnalysisProcessor);
