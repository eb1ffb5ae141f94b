// The one wrapper around the WASM DSP kernels (assembly/ -> bindings/wasm/dsp.wasm).
// The CLI, the AudioWorklet, the benchmark and the tests all go through this class,
// so there is exactly one implementation of every feature.
//
// After construction nothing here allocates: push() copies samples into the
// kernel's input block and hands each finished row to a callback as a
// preallocated Float32Array view.

import { readFileSync } from "node:fs";
import { resolveDspConfig, type DspConfig, type DspOptions } from "./config.ts";
import { N_SEMITONES, type FrameLayout } from "./frame.ts";

const WASM_PATH = new URL("../../bindings/wasm/dsp.wasm", import.meta.url);

/** The raw exports of dsp.wasm (see assembly/index.ts). Handles are pointers. */
interface DspExports {
  memory: WebAssembly.Memory;
  createAnalyzer(sampleRate: number, nFft: number, hop: number, nMels: number, nMfcc: number, fmin: number, fmax: number, maxBlock: number): number;
  push(a: number, count: number): number;
  reset(a: number): void;
  inputPointer(a: number): number;
  outputPointer(a: number): number;
  maxFramesPerPush(a: number): number;
  stride(a: number): number;
  offsetLogmel(a: number): number;
  offsetMfcc(a: number): number;
  offsetChroma(a: number): number;
  offsetCentroid(a: number): number;
  offsetRms(a: number): number;
  offsetFlux(a: number): number;
  offsetOnset(a: number): number;
  offsetPitchClass(a: number): number;
  offsetSemitones(a: number): number;
  nonFiniteCount(a: number): number;
  firstNonFiniteIndex(a: number): number;
  melFilterbankPointer(a: number): number;
  chromaFilterbankPointer(a: number): number;
  chromaStride(a: number): number;
}

let cachedModule: WebAssembly.Module | undefined;

/** Compiles dsp.wasm once per thread (synchronously: worklet constructors cannot wait). */
export function loadDspModule(): WebAssembly.Module {
  cachedModule ??= new WebAssembly.Module(readFileSync(WASM_PATH));
  return cachedModule;
}

/** A fresh instance of dsp.wasm (each has its own memory); T names the exports used. */
export function instantiateDsp<T>(module: WebAssembly.Module = loadDspModule()): T {
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort: (_message: number, _file: number, line: number, column: number) => {
        throw new Error(`moodwire DSP kernel aborted at ${line}:${column}`);
      },
    },
  });
  return instance.exports as unknown as T;
}

/** Called with each finished frame: the row is only valid during the call. */
export type RowSink = (row: Float32Array, frameIndex: number) => void;

export interface ExtractorOptions {
  /** A compiled dsp.wasm, e.g. handed to a worklet; compiled from disk if omitted. */
  module?: WebAssembly.Module;
  /** Largest block the kernel takes in one call; longer pushes are split. */
  maxBlock?: number;
}

/** Streaming feature extractor: samples in, one row per hop out. */
export class FeatureExtractor {
  readonly config: DspConfig;
  readonly layout: FrameLayout;
  private readonly exports: DspExports;
  private readonly handle: number;
  private readonly input: Float32Array;
  private readonly rows: Float32Array[];
  /** Counted here, not read from WASM, so the count stays a small integer (no boxing). */
  private emitted = 0;

  constructor(options: DspOptions, extractorOptions: ExtractorOptions = {}) {
    this.config = resolveDspConfig(options);
    const module = extractorOptions.module ?? loadDspModule();
    const maxBlock = extractorOptions.maxBlock ?? 4096;
    const x = instantiateDsp<DspExports>(module);
    const c = this.config;
    const h = x.createAnalyzer(c.sampleRate, c.nFft, c.hop, c.nMels, c.nMfcc, c.fmin, c.fmax, maxBlock);
    this.exports = x;
    this.handle = h;
    this.layout = {
      stride: x.stride(h),
      logmel: [x.offsetLogmel(h), c.nMels],
      mfcc: [x.offsetMfcc(h), c.nMfcc],
      chroma: [x.offsetChroma(h), 12],
      centroid: x.offsetCentroid(h),
      rms: x.offsetRms(h),
      flux: x.offsetFlux(h),
      onset: x.offsetOnset(h),
      pitchClass: [x.offsetPitchClass(h), 12],
      semitones: [x.offsetSemitones(h), N_SEMITONES],
    };
    // Memory no longer grows after createAnalyzer, so these views stay valid.
    const buffer = x.memory.buffer;
    this.input = new Float32Array(buffer, x.inputPointer(h), maxBlock);
    const output = x.outputPointer(h);
    const stride = this.layout.stride;
    this.rows = Array.from({ length: x.maxFramesPerPush(h) }, (_, i) => new Float32Array(buffer, output + i * stride * 4, stride));
  }

  /** Frames produced since construction or reset(). */
  get framesEmitted(): number {
    return this.emitted;
  }

  /** Non-finite samples (NaN, Inf) replaced by 0 so far (saturates at 2^30 - 1). */
  get nonFiniteCount(): number {
    return this.exports.nonFiniteCount(this.handle);
  }

  /** Sample index of the first non-finite sample, -1 if none. */
  get firstNonFiniteIndex(): number {
    return this.exports.firstNonFiniteIndex(this.handle);
  }

  /**
   * Feeds samples[0..count) and calls onRow for every frame completed. Returns the
   * number of frames. Allocates nothing (the worklet calls it every render quantum).
   */
  push(samples: Float32Array, onRow: RowSink, count: number = samples.length): number {
    const { exports: x, handle, input, rows } = this;
    const block = input.length;
    let produced = 0;
    for (let from = 0; from < count; from += block) {
      const n = Math.min(block, count - from);
      for (let i = 0; i < n; i++) input[i] = samples[from + i]!;
      const frames = x.push(handle, n);
      for (let r = 0; r < frames; r++) onRow(rows[r]!, this.emitted++);
      produced += frames;
    }
    return produced;
  }

  /** Forgets buffered audio and history. */
  reset(): void {
    this.exports.reset(this.handle);
    this.emitted = 0;
  }

  /** The mel filterbank as float32 [mel][bin] rows (copies). */
  melFilterbank(): Float32Array[] {
    const { nMels, nFft } = this.config;
    const nBins = nFft / 2 + 1;
    const base = this.exports.melFilterbankPointer(this.handle);
    return Array.from({ length: nMels }, (_, m) => new Float32Array(this.exports.memory.buffer, base + m * nBins * 4, nBins).slice());
  }

  /** The chroma filterbank as float32 [12][bin] rows, bin 0 = C (copies). */
  chromaFilterbank(): Float32Array[] {
    const nBins = this.config.nFft / 2 + 1;
    const stride = this.exports.chromaStride(this.handle);
    const base = this.exports.chromaFilterbankPointer(this.handle);
    return Array.from({ length: 12 }, (_, c) => new Float32Array(this.exports.memory.buffer, base + c * stride * 4, nBins).slice());
  }
}

/** All frames of a signal, as one float32 block of `frames` rows. */
export interface FeatureMatrix {
  config: DspConfig;
  layout: FrameLayout;
  frames: number;
  /** frames * layout.stride values, row k = frame k. */
  data: Float32Array;
  /** Non-finite input samples replaced by 0. */
  nonFinite: { count: number; firstIndex: number };
}

/** Number of causal frames in a signal of `length` samples. */
export function frameCount(length: number, nFft: number, hop: number): number {
  return length < nFft ? 0 : Math.floor((length - nFft) / hop) + 1;
}

/** Analyses a whole signal with the kernels directly (the CLI's default engine). */
export function analyzeSignal(samples: Float32Array, options: DspOptions): FeatureMatrix {
  const extractor = new FeatureExtractor(options);
  const { config, layout } = extractor;
  const frames = frameCount(samples.length, config.nFft, config.hop);
  const data = new Float32Array(frames * layout.stride);
  extractor.push(samples, (row, index) => data.set(row, index * layout.stride));
  return { config, layout, frames, data, nonFinite: { count: extractor.nonFiniteCount, firstIndex: extractor.firstNonFiniteIndex } };
}
