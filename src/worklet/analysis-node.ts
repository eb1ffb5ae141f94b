// The main thread's side of the analysis worklet: builds the AudioWorkletNode with
// its shared frame ring, renders files offline through it, and runs it live in a
// realtime AudioContext (with a `none` sink where there is no sound card).

import { fileURLToPath } from "node:url";
import { AudioBuffer, AudioBufferSourceNode, AudioContext, AudioWorkletNode, OfflineAudioContext } from "node-web-audio-api";
import type { DspConfig, DspOptions } from "../dsp/config.ts";
import { FeatureExtractor, frameCount, loadDspModule, type FeatureMatrix } from "../dsp/kernels.ts";
import type { FrameLayout } from "../dsp/frame.ts";
import { createFrameRing, FrameRingReader, type FrameRingBuffers } from "./frame-ring.ts";

export const ANALYSIS_PROCESSOR = "moodwire-analysis";
export const ANALYSIS_WORKLET_PATH = fileURLToPath(new URL("../../worklets/analysis-processor.ts", import.meta.url));
const RENDER_QUANTUM = 128;

export interface AnalysisProcessorOptions {
  config: DspConfig;
  module: WebAssembly.Module;
  ring: FrameRingBuffers;
  totalSamples?: number;
  /** Shared Float64 buffer for process() durations: [0] = count, then ms each. */
  timings?: SharedArrayBuffer;
}

type AnyContext = AudioContext | OfflineAudioContext;

export interface AnalysisNode {
  node: AudioWorkletNode;
  reader: FrameRingReader;
  config: DspConfig;
  layout: FrameLayout;
}

/** Resolves config and layout once on the main thread (the same kernel computes both). */
function describe(options: DspOptions): { config: DspConfig; layout: FrameLayout } {
  const { config, layout } = new FeatureExtractor(options, { maxBlock: 1 });
  return { config, layout };
}

/** Loads the worklet module into the context (once) and creates an analysis node. */
export async function createAnalysisNode(
  context: AnyContext,
  options: Omit<DspOptions, "sampleRate">,
  { capacity = 1024, totalSamples, timings }: { capacity?: number; totalSamples?: number; timings?: SharedArrayBuffer } = {},
): Promise<AnalysisNode> {
  const { config, layout } = describe({ ...options, sampleRate: context.sampleRate });
  await loadWorklet(context);
  const ring = createFrameRing(capacity, layout.stride);
  const processorOptions: AnalysisProcessorOptions = { config, module: loadDspModule(), ring, totalSamples, timings };
  const node = new AudioWorkletNode(context, ANALYSIS_PROCESSOR, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    // Let the audio engine mix any input down to mono for us.
    channelCount: 1,
    channelCountMode: "explicit",
    channelInterpretation: "speakers",
    processorOptions,
  });
  return { node, reader: new FrameRingReader(ring), config, layout };
}

const loaded = new WeakSet<object>();
async function loadWorklet(context: AnyContext): Promise<void> {
  if (loaded.has(context)) return;
  await context.audioWorklet.addModule(ANALYSIS_WORKLET_PATH);
  loaded.add(context);
}

/**
 * Renders a mono signal through the analysis worklet in an OfflineAudioContext and
 * collects every frame. Long files are rendered in slices (suspend, drain, resume)
 * so the ring never overflows; a dropped frame is an error here, never silent.
 */
export async function analyzeSignalInWorklet(
  samples: Float32Array,
  options: DspOptions,
  { measure = false, onProgress }: { measure?: boolean; onProgress?: (fraction: number) => void } = {},
): Promise<FeatureMatrix & { durations?: Float64Array }> {
  const { sampleRate } = options;
  const length = Math.max(RENDER_QUANTUM, Math.ceil(samples.length / RENDER_QUANTUM) * RENDER_QUANTUM);
  const context = new OfflineAudioContext({ numberOfChannels: 1, length, sampleRate });
  const { config } = describe(options);
  const frames = frameCount(samples.length, config.nFft, config.hop);
  const capacity = Math.max(64, Math.min(frames + 1, 8192));
  const quanta = length / RENDER_QUANTUM;
  const timings = measure ? new SharedArrayBuffer((quanta + 1) * 8) : undefined;
  const analysis = await createAnalysisNode(context, options, { capacity, totalSamples: samples.length, timings });
  const { node, reader, layout } = analysis;

  const buffer = new AudioBuffer({ length: Math.max(1, samples.length), numberOfChannels: 1, sampleRate });
  if (samples.length > 0) buffer.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
  const source = new AudioBufferSourceNode(context, { buffer });
  source.connect(node);
  node.connect(context.destination);
  source.start(0);

  const data = new Float32Array(frames * layout.stride);
  let received = 0;
  const drain = () => {
    received += reader.drain((row, index) => {
      if (index < frames) data.set(row, index * layout.stride);
    });
    onProgress?.(frames === 0 ? 1 : received / frames);
  };

  // Slices of at most half the ring's worth of frames, on render-quantum boundaries.
  const sliceSamples = Math.max(RENDER_QUANTUM, Math.floor((capacity / 2) * config.hop / RENDER_QUANTUM) * RENDER_QUANTUM);
  for (let at = sliceSamples; at < length; at += sliceSamples) {
    void context.suspend(at / sampleRate).then(() => {
      drain();
      void context.resume();
    });
  }
  await context.startRendering();
  drain();

  let durations: Float64Array | undefined;
  if (timings) {
    const all = new Float64Array(timings);
    durations = all.slice(1, 1 + all[0]!);
  }
  const nonFinite = reader.nonFinite;
  if (reader.dropped > 0) throw new Error(`worklet dropped ${reader.dropped} frames while rendering offline`);
  if (received !== frames) throw new Error(`worklet delivered ${received} frames, expected ${frames}`);
  await closeContext(context);
  return { config, layout, frames, data, nonFinite: { count: nonFinite, firstIndex: -1 }, durations };
}

async function closeContext(context: AnyContext): Promise<void> {
  // An OfflineAudioContext has no close(); its worklet scope ends with the render.
  if ("close" in context && typeof context.close === "function") await context.close();
}

/**
 * Plays a signal through the worklet in a realtime AudioContext whose output goes
 * nowhere (`sinkId: { type: "none" }`: works without a sound card) and calls onRow
 * for every frame as it arrives. Resolves when the signal has played, with
 * `startOffset`: how many samples of silence the worklet saw before the signal.
 */
export async function analyzeSignalLive(
  samples: Float32Array,
  options: DspOptions,
  onRow: (row: Float32Array, frameIndex: number) => void,
): Promise<{ layout: FrameLayout; dropped: number; startOffset: number }> {
  // `sinkId` is in the Web Audio spec but not yet in TypeScript's DOM types.
  const contextOptions = { sampleRate: options.sampleRate, sinkId: { type: "none" }, latencyHint: "playback" } as AudioContextOptions;
  const context = new AudioContext(contextOptions);
  try {
    const { node, reader, layout } = await createAnalysisNode(context, options, { capacity: 4096 });
    const buffer = new AudioBuffer({ length: samples.length, numberOfChannels: 1, sampleRate: options.sampleRate });
    buffer.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
    const source = new AudioBufferSourceNode(context, { buffer });
    source.connect(node);
    node.connect(context.destination);
    const ended = new Promise<void>((resolve) => { source.onended = () => resolve(); });
    // Start one quantum ahead so the start is exact, and remember where the signal
    // begins relative to the worklet's first sample.
    const startTime = context.currentTime + RENDER_QUANTUM / context.sampleRate;
    source.start(startTime);
    let done = false;
    void ended.then(() => { done = true; });
    while (!done) {
      await reader.waitForFrames(50);
      reader.drain(onRow);
    }
    // The last frames may still be in flight after the source ends.
    await new Promise((r) => setTimeout(r, 100));
    reader.drain(onRow);
    const startOffset = Math.round(startTime * context.sampleRate) - reader.startFrame;
    return { layout, dropped: reader.dropped, startOffset };
  } finally {
    await context.close();
  }
}
