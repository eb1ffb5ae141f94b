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
  /** Ring of raw input quanta (stride 128), for the live engine's models. */
  audioRing?: FrameRingBuffers;
  /** Shared Float64 [quanta, total ms, longest ms]: the callback load. */
  load?: SharedArrayBuffer;
}

type AnyContext = AudioContext | OfflineAudioContext;

export interface AnalysisNode {
  node: AudioWorkletNode;
  reader: FrameRingReader;
  /** Raw input quanta (only when asked for with `forwardAudio`). */
  audioReader?: FrameRingReader;
  /** [quanta, total ms, longest ms] of process() (only with `forwardAudio`). */
  load?: Float64Array;
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
  { capacity = 1024, totalSamples, timings, forwardAudio = false }: { capacity?: number; totalSamples?: number; timings?: SharedArrayBuffer; forwardAudio?: boolean } = {},
): Promise<AnalysisNode> {
  const { config, layout } = describe({ ...options, sampleRate: context.sampleRate });
  await loadWorklet(context);
  const ring = createFrameRing(capacity, layout.stride);
  // As many quanta as the frame ring holds in time, so both rings fill together.
  const audioRing = forwardAudio ? createFrameRing(Math.ceil((capacity * config.hop) / RENDER_QUANTUM), RENDER_QUANTUM) : undefined;
  const load = forwardAudio ? new SharedArrayBuffer(3 * 8) : undefined;
  const processorOptions: AnalysisProcessorOptions = { config, module: loadDspModule(), ring, totalSamples, timings, audioRing, load };
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
  return {
    node, reader: new FrameRingReader(ring), config, layout,
    audioReader: audioRing ? new FrameRingReader(audioRing) : undefined,
    load: load ? new Float64Array(load) : undefined,
  };
}

const loaded = new WeakSet<object>();
async function loadWorklet(context: AnyContext): Promise<void> {
  if (loaded.has(context)) return;
  await context.audioWorklet.addModule(ANALYSIS_WORKLET_PATH);
  loaded.add(context);
}

/** Frames rendered per offline context; the ring holds a whole chunk, so nothing can drop. */
const OFFLINE_CHUNK_FRAMES = 8192;

/**
 * Renders a mono signal through the analysis worklet in OfflineAudioContexts and
 * collects every frame. A long file is rendered in chunks of OFFLINE_CHUNK_FRAMES
 * frames, one context each, so the ring never overflows: each chunk starts one frame
 * early (so flux and onset have their previous frame) and that frame is discarded.
 * Frames depend only on their own samples and the frame before, so the result is the
 * same as one continuous render (tested bit for bit). A dropped frame is an error.
 */
export async function analyzeSignalInWorklet(
  samples: Float32Array,
  options: DspOptions,
  { measure = false, onProgress }: { measure?: boolean; onProgress?: (fraction: number) => void } = {},
): Promise<FeatureMatrix & { durations?: Float64Array }> {
  const { config, layout } = describe(options);
  const { hop, nFft } = config;
  const frames = frameCount(samples.length, nFft, hop);
  const data = new Float32Array(frames * layout.stride);
  const durations: number[] = [];
  for (let first = 0; ; first += OFFLINE_CHUNK_FRAMES) {
    const end = Math.min(frames, first + OFFLINE_CHUNK_FRAMES);
    const startFrame = Math.max(0, first - 1);
    const from = startFrame * hop;
    const to = frames === 0 ? samples.length : (end - 1) * hop + nFft;
    const chunk = await renderChunk(samples.subarray(from, to), options, OFFLINE_CHUNK_FRAMES + 2, measure);
    chunk.rows((row, local) => {
      const index = startFrame + local;
      if (index >= first && index < end) data.set(row, index * layout.stride);
    });
    if (chunk.durations) durations.push(...chunk.durations);
    onProgress?.(frames === 0 ? 1 : end / frames);
    if (end >= frames) break;
  }
  let nonFinite = 0, firstIndex = -1;
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i])) {
      if (firstIndex < 0) firstIndex = i;
      nonFinite++;
    }
  }
  return { config, layout, frames, data, nonFinite: { count: nonFinite, firstIndex }, durations: measure ? Float64Array.from(durations) : undefined };
}

/** One OfflineAudioContext render; its frames stay in the ring until rows() drains them. */
async function renderChunk(samples: Float32Array, options: DspOptions, capacity: number, measure: boolean) {
  const { sampleRate } = options;
  const length = Math.max(RENDER_QUANTUM, Math.ceil(samples.length / RENDER_QUANTUM) * RENDER_QUANTUM);
  const context = new OfflineAudioContext({ numberOfChannels: 1, length, sampleRate });
  const timings = measure ? new SharedArrayBuffer((length / RENDER_QUANTUM + 1) * 8) : undefined;
  const { node, reader } = await createAnalysisNode(context, options, { capacity, totalSamples: samples.length, timings });
  const buffer = new AudioBuffer({ length: Math.max(1, samples.length), numberOfChannels: 1, sampleRate });
  if (samples.length > 0) buffer.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
  const source = new AudioBufferSourceNode(context, { buffer });
  source.connect(node);
  node.connect(context.destination);
  source.start(0);
  await context.startRendering();
  if (reader.dropped > 0) throw new Error(`worklet dropped ${reader.dropped} frames while rendering offline`);
  let durations: Float64Array | undefined;
  if (timings) {
    const all = new Float64Array(timings);
    durations = all.slice(1, 1 + all[0]!);
  }
  await closeContext(context);
  return { rows: (onRow: (row: Float32Array, index: number) => void) => reader.drain(onRow), durations };
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
