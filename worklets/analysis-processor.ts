// The analysis AudioWorkletProcessor: runs the same WASM kernels as the CLI on every
// render quantum and hands finished frames to the main thread through a
// SharedArrayBuffer ring. process() allocates nothing and never waits.
//
// Registered as "moodwire-analysis". processorOptions (see src/worklet/analysis-node.ts):
//   config       DspConfig
//   module       compiled dsp.wasm (WebAssembly.Module)
//   ring         FrameRingBuffers
//   totalSamples optional: ignore input past this many samples (offline files)
//   measure      optional: record each process() duration for the benchmark

import { FeatureExtractor } from "../src/dsp/kernels.ts";
import { FrameRingWriter } from "../src/worklet/frame-ring.ts";
import type { AnalysisProcessorOptions } from "../src/worklet/analysis-node.ts";

declare const currentFrame: number;
declare function registerProcessor(name: string, ctor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

const MAX_MEASURED = 1 << 20;

class AnalysisProcessor extends AudioWorkletProcessor {
  private readonly extractor: FeatureExtractor;
  private readonly ring: FrameRingWriter;
  private readonly totalSamples: number;
  private readonly durations: Float64Array | null;
  private measured = 0;
  private started = false;
  private readonly onRow: (row: Float32Array, index: number) => void;

  constructor(options: { processorOptions: AnalysisProcessorOptions }) {
    super();
    const { config, module, ring, totalSamples, measure } = options.processorOptions;
    this.extractor = new FeatureExtractor(config, { module, maxBlock: 1024 });
    this.ring = new FrameRingWriter(ring);
    this.totalSamples = totalSamples ?? Infinity;
    this.durations = measure ? new Float64Array(MAX_MEASURED) : null;
    this.onRow = (row, index) => { this.ring.write(row, index); };
    this.port.onmessage = (event: MessageEvent) => {
      if (event.data === "report") this.port.postMessage({ durations: this.durations?.slice(0, this.measured) ?? null });
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const start = this.durations ? performance.now() : 0;
    if (!this.started) {
      this.started = true;
      this.ring.setStartFrame(currentFrame);
    }
    const channel = inputs[0]?.[0];
    if (channel) {
      // Offline files: the last render quantum runs past the end of the file; those
      // padding zeros are not part of the signal and would add a frame the kernel
      // engine does not see.
      const count = Math.min(channel.length, this.totalSamples - currentFrame);
      if (count > 0) {
        this.extractor.push(channel, this.onRow, count);
        this.ring.setNonFinite(this.extractor.nonFiniteCount);
      }
    }
    if (this.durations && this.measured < MAX_MEASURED) this.durations[this.measured++] = performance.now() - start;
    return true;
  }
}

registerProcessor("moodwire-analysis", AnalysisProcessor);
