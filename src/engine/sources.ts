// Where the sound comes from. Three sources, one contract: each feeds an AudioTarget
// (raw mono audio at the engine's rate, and the analysis kernel's frame rows) and keeps
// an InputStatus that the dashboard shows.
//
// - OfflineFiles: decodes the files and runs the DSP kernel in-process, as fast as it can
//   (yielding to the event loop between blocks so OSC and the dashboard stay alive).
// - RealtimeFiles: plays the files through a realtime AudioContext (a `none` sink where
//   there is no sound card) into the analysis AudioWorklet, which hands frames and raw
//   quanta to this thread through shared rings.
// - LiveDevice: an input device (getUserMedia) into the same worklet.
//
// When the input fails (a file unreadable, no device, the device gone silent because it
// was unplugged), the source says so in its status and retries with a back-off that
// doubles from retryMs[0] to retryMs[1].

import { AudioBuffer, AudioBufferSourceNode, AudioContext, mediaDevices, MediaStreamAudioSourceNode } from "node-web-audio-api";
import { readAudioFile } from "../audio/decode.ts";
import { FeatureExtractor } from "../dsp/kernels.ts";
import type { FrameLayout } from "../dsp/frame.ts";
import { resampleSignal } from "../dsp/resample.ts";
import { createAnalysisNode, type AnalysisNode } from "../worklet/analysis-node.ts";

/** The DSP configuration the engine analyses with (the kernel's defaults at the engine rate). */
export const ENGINE_DSP = { nFft: 2048, hop: 512 } as const;

export interface AudioTarget {
  pushAudio(block: Float32Array): void;
  pushRow(row: Float32Array, frame: number): void;
  /** The input ended or paused. */
  flush(): void;
}

export interface InputStatus {
  kind: "offline" | "file" | "device";
  state: "starting" | "running" | "retrying" | "ended" | "stopped";
  /** What is playing, or what went wrong. */
  detail: string;
  errors: number;
  /** When retrying: seconds until the next attempt. */
  retryInSeconds: number | null;
  /** Worklet health (live sources): process() load as a fraction of the quantum's time, and frames dropped. */
  callbackLoad: number;
  callbackPeakLoad: number;
  droppedFrames: number;
}

export interface AudioSource {
  readonly status: InputStatus;
  /** The realtime context (live sources), for the built-in sound. */
  readonly context: AudioContext | null;
  /** Runs until the input ends (files without loop) or stop() is called. */
  run(): Promise<void>;
  stop(): Promise<void>;
}

/** The doubling wait between retries. */
export class Backoff {
  private next: number;
  private readonly first: number;
  private readonly longest: number;
  constructor(first: number, longest: number) { this.first = first; this.longest = longest; this.next = first; }
  take(): number { const wait = this.next; this.next = Math.min(this.longest, this.next * 2); return wait; }
  reset(): void { this.next = this.first; }
}

export interface SourceOptions {
  sampleRate: number;
  retryMs: [number, number];
  log: (line: string) => void;
}

export function initialStatus(kind: InputStatus["kind"]): InputStatus {
  return { kind, state: "starting", detail: "", errors: 0, retryInSeconds: null, callbackLoad: 0, callbackPeakLoad: 0, droppedFrames: 0 };
}

/** The analysis layout the engine uses at a sample rate (what the pipeline needs to read rows). */
export function engineLayout(sampleRate: number): { layout: FrameLayout; hop: number } {
  const { layout, config } = new FeatureExtractor({ sampleRate, ...ENGINE_DSP }, { maxBlock: 1 });
  return { layout, hop: config.hop };
}

/** Sleeps `ms`, or less if `stopped()` turns true (checked every 50 ms). */
async function sleepUnless(ms: number, stopped: () => boolean, onTick?: (left: number) => void): Promise<void> {
  const end = Date.now() + ms;
  while (!stopped() && Date.now() < end) {
    onTick?.((end - Date.now()) / 1000);
    await new Promise((r) => setTimeout(r, Math.min(50, end - Date.now())));
  }
}

/** Shared by the file sources: the playlist order, skipping unreadable files, and the back-off. */
abstract class PlaylistSource implements AudioSource {
  readonly status: InputStatus;
  context: AudioContext | null = null;
  protected stopped = false;
  protected readonly backoff: Backoff;
  protected readonly files: string[];
  protected readonly loop: boolean;
  protected readonly target: AudioTarget;
  protected readonly options: SourceOptions;

  constructor(kind: InputStatus["kind"], files: string[], loop: boolean, target: AudioTarget, options: SourceOptions) {
    this.files = files;
    this.loop = loop;
    this.target = target;
    this.options = options;
    this.status = initialStatus(kind);
    this.backoff = new Backoff(...options.retryMs);
  }

  async run(): Promise<void> {
    await this.open();
    do {
      let played = 0;
      for (const file of this.files) {
        if (this.stopped) break;
        let audio;
        try {
          audio = await readAudioFile(file);
        } catch (err) {
          this.status.errors++;
          this.status.detail = `cannot read ${file}: ${(err as Error).message}`;
          this.options.log(this.status.detail + (this.files.length > 1 ? "; skipping it" : ""));
          continue;
        }
        this.status.state = "running";
        this.status.retryInSeconds = null;
        this.status.detail = file;
        await this.play(audio.samples, audio.sampleRate);
        this.target.flush();
        played++;
      }
      if (this.stopped) break;
      if (played === 0) {
        // Nothing could be played: wait, then try the whole list again (the file may come back).
        const wait = this.backoff.take();
        this.status.state = "retrying";
        this.options.log(`no input could be read; retrying in ${(wait / 1000).toFixed(1)} s`);
        await sleepUnless(wait, () => this.stopped, (left) => { this.status.retryInSeconds = Math.round(left * 10) / 10; });
        continue;
      }
      this.backoff.reset();
      if (!this.loop) break;
    } while (!this.stopped);
    this.status.state = this.stopped ? "stopped" : "ended";
    this.status.retryInSeconds = null;
  }

  protected async open(): Promise<void> {}
  protected abstract play(samples: Float32Array, sampleRate: number): Promise<void>;

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

/**
 * Analysis of a signal at the engine rate, block by block, through the same kernel the
 * worklet runs: raw blocks and frame rows to the target. Frame numbers continue across
 * signals, as a live stream's would. As fast as possible (offline), or paced by the wall
 * clock (a file "played" where there is no sound card to keep time; see RealtimeFiles).
 */
export class KernelFeeder {
  private readonly extractor: FeatureExtractor;
  private readonly target: AudioTarget;
  private readonly sampleRate: number;
  private frame = 0;
  private readonly onRow: (row: Float32Array) => void;

  constructor(sampleRate: number, target: AudioTarget) {
    this.extractor = new FeatureExtractor({ sampleRate, ...ENGINE_DSP }, { maxBlock: 4096 });
    this.sampleRate = sampleRate;
    this.target = target;
    this.onRow = (row) => this.target.pushRow(row, this.frame++);
  }

  /**
   * Feeds `signal`. Offline: 4096-sample blocks, yielding between them so sockets, timers
   * and the dashboard run. With `paceStatus`, in real time: 1024-sample blocks (23 ms at
   * 44.1 kHz), each when its time has come on the wall clock (drift-free: due times count
   * from the start, so a late block is followed by an early one), and the status's
   * callback load is the analysis's share of each block's duration (kernel and models).
   */
  async feed(signal: Float32Array, stopped: () => boolean = () => false, paceStatus?: InputStatus): Promise<void> {
    const block = paceStatus ? 1024 : 4096;
    const start = performance.now();
    for (let at = 0; at < signal.length && !stopped(); at += block) {
      const chunk = signal.subarray(at, Math.min(signal.length, at + block));
      const t0 = paceStatus ? performance.now() : 0;
      this.target.pushAudio(chunk);
      this.extractor.push(chunk, this.onRow);
      if (!paceStatus) {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      // The analysis's share of real time for this block (above 1: falling behind). The
      // peak starts after the first second, which holds the models' first (slow) runs.
      const blockMs = (chunk.length / this.sampleRate) * 1000;
      const load = (performance.now() - t0) / blockMs;
      paceStatus.callbackLoad = 0.9 * paceStatus.callbackLoad + 0.1 * load;
      if (this.frame * ENGINE_DSP.hop > this.sampleRate) paceStatus.callbackPeakLoad = Math.max(paceStatus.callbackPeakLoad * 0.999, load);
      const due = start + ((at + chunk.length) / this.sampleRate) * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
  }
}

/** Files analysed as fast as possible. */
export class OfflineFiles extends PlaylistSource {
  private readonly feeder: KernelFeeder;

  constructor(files: string[], loop: boolean, target: AudioTarget, options: SourceOptions) {
    super("offline", files, loop, target, options);
    this.feeder = new KernelFeeder(options.sampleRate, target);
  }

  protected async play(samples: Float32Array, sampleRate: number): Promise<void> {
    const signal = sampleRate === this.options.sampleRate ? samples : resampleSignal(samples, sampleRate, this.options.sampleRate);
    await this.feeder.feed(signal, () => this.stopped);
  }
}

/** Drains the worklet's rings into the target every few milliseconds; tracks load and drops. */
class WorkletPump {
  private lastQuanta = 0;
  private lastTotal = 0;
  private silentSince = Date.now();
  private readonly analysis: AnalysisNode;
  private readonly target: AudioTarget;
  private readonly status: InputStatus;
  private readonly sampleRate: number;
  constructor(analysis: AnalysisNode, target: AudioTarget, status: InputStatus, sampleRate: number) {
    this.analysis = analysis;
    this.target = target;
    this.status = status;
    this.sampleRate = sampleRate;
  }

  /** Delivers what arrived; returns false when no audio quantum arrived for `stallMs`. */
  drain(stallMs = 2000): boolean {
    const { reader, audioReader, load } = this.analysis;
    audioReader?.drain((block) => this.target.pushAudio(block));
    reader.drain((row, frame) => this.target.pushRow(row, frame));
    this.status.droppedFrames = reader.dropped + (audioReader?.dropped ?? 0);
    if (!load) return true;
    const quanta = load[0]!, total = load[1]!;
    const now = Date.now();
    if (quanta > this.lastQuanta) {
      const quantumMs = (128 / this.sampleRate) * 1000;
      this.status.callbackLoad = (total - this.lastTotal) / ((quanta - this.lastQuanta) * quantumMs);
      this.status.callbackPeakLoad = load[2]! / quantumMs;
      load[2] = 0;
      this.lastQuanta = quanta;
      this.lastTotal = total;
      this.silentSince = now;
      return true;
    }
    return now - this.silentSince < stallMs;
  }
}

/**
 * A realtime context and whether a sound device keeps its time. With no device (not
 * audible, or no sound card) the context has a `none` sink, paced by an ordinary thread.
 */
function realtimeContext(sampleRate: number, audible: boolean, log: (l: string) => void): { context: AudioContext; deviceClock: boolean } {
  // `sinkId` is in the Web Audio spec but not yet in TypeScript's DOM types.
  const quiet = { sampleRate, sinkId: { type: "none" }, latencyHint: "playback" } as AudioContextOptions;
  if (!audible) return { context: new AudioContext(quiet), deviceClock: false };
  try {
    return { context: new AudioContext({ sampleRate, latencyHint: "playback" }), deviceClock: true };
  } catch (err) {
    log(`no sound output (${(err as Error).message}); the built-in sound plays into a silent sink`);
    return { context: new AudioContext(quiet), deviceClock: false };
  }
}

/**
 * Files played in real time. With a sound device, through the analysis worklet in the
 * device's context (the device keeps time). Without one, the same kernel paced by the wall
 * clock: node-web-audio-api hands every 128-sample quantum to the worklet thread and back,
 * and with a `none` sink on two cores that hand-off waits for a scheduler slice (one
 * quantum per ~8 ms measured, so the file played at 0.3-0.5x real time). The frames are
 * the same either way (the worklet test checks the worklet against the kernel).
 */
export class RealtimeFiles extends PlaylistSource {
  private analysis: AnalysisNode | null = null;
  private pump: WorkletPump | null = null;
  private current: AudioBufferSourceNode | null = null;
  /** Set when no device keeps time. */
  private readonly paced: KernelFeeder | null;

  constructor(files: string[], loop: boolean, target: AudioTarget, options: SourceOptions & { audible?: boolean }) {
    super("file", files, loop, target, options);
    const { context, deviceClock } = realtimeContext(options.sampleRate, options.audible ?? false, options.log);
    this.context = context;
    this.paced = deviceClock ? null : new KernelFeeder(options.sampleRate, target);
  }

  protected async open(): Promise<void> {
    if (this.paced) return;
    const context = this.context!;
    this.analysis = await createAnalysisNode(context, { ...ENGINE_DSP }, { capacity: 4096, forwardAudio: true });
    this.analysis.node.connect(context.destination);
    this.pump = new WorkletPump(this.analysis, this.target, this.status, context.sampleRate);
  }

  protected async play(samples: Float32Array, sampleRate: number): Promise<void> {
    if (this.paced) {
      const signal = sampleRate === this.options.sampleRate ? samples : resampleSignal(samples, sampleRate, this.options.sampleRate);
      await this.paced.feed(signal, () => this.stopped, this.status);
      return;
    }
    const context = this.context!;
    const buffer = new AudioBuffer({ length: Math.max(1, samples.length), numberOfChannels: 1, sampleRate });
    buffer.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
    const source = new AudioBufferSourceNode(context, { buffer });
    source.connect(this.analysis!.node);
    this.current = source;
    let ended = false;
    source.onended = () => { ended = true; };
    source.start();
    while (!ended && !this.stopped) {
      await this.analysis!.reader.waitForFrames(20);
      this.pump!.drain(Infinity);
    }
    await new Promise((r) => setTimeout(r, 60)); // the last frames are still in flight
    this.pump!.drain(Infinity);
    source.disconnect();
    this.current = null;
  }

  override async stop(): Promise<void> {
    await super.stop();
    try { this.current?.stop(); } catch { /* already ended */ }
    await this.context?.close().catch(() => {});
  }
}

/** A live input device. Never calls getUserMedia without a device id: with no default device, node-web-audio-api aborts the process. */
/** How node-web-audio-api (cpal) names its stand-in device when there is no sound card. */
const NULL_DEVICE = /discard all samples|generate zero samples|^null$/i;

export class LiveDevice implements AudioSource {
  readonly status: InputStatus = initialStatus("device");
  readonly context: AudioContext;
  private stopped = false;
  private readonly backoff: Backoff;
  private readonly device: string | null;
  private readonly target: AudioTarget;
  private readonly options: SourceOptions & { audible?: boolean };

  constructor(device: string | null, target: AudioTarget, options: SourceOptions & { audible?: boolean }) {
    this.device = device;
    this.target = target;
    this.options = options;
    this.backoff = new Backoff(...options.retryMs);
    this.context = realtimeContext(options.sampleRate, options.audible ?? false, options.log).context;
  }

  async run(): Promise<void> {
    const analysis = await createAnalysisNode(this.context, { ...ENGINE_DSP }, { capacity: 4096, forwardAudio: true });
    analysis.node.connect(this.context.destination);
    const pump = new WorkletPump(analysis, this.target, this.status, this.context.sampleRate);
    while (!this.stopped) {
      let input: MediaStreamAudioSourceNode | null = null;
      try {
        const devices = (await mediaDevices.enumerateDevices()).filter((d: MediaDeviceInfo) => d.kind === "audioinput");
        const wanted = this.device?.toLowerCase();
        const chosen = wanted ? devices.find((d: MediaDeviceInfo) => d.label.toLowerCase().includes(wanted)) : devices[0];
        if (!chosen) throw new Error(wanted ? `no input device matches "${this.device}" (found: ${devices.map((d: MediaDeviceInfo) => d.label).join("; ") || "none"})` : "no audio input device");
        const stream = await mediaDevices.getUserMedia({ audio: { deviceId: chosen.deviceId } });
        input = new MediaStreamAudioSourceNode(this.context, { mediaStream: stream });
        input.connect(analysis.node);
        this.status.state = "running";
        this.status.detail = NULL_DEVICE.test(chosen.label) ? "no sound card: null device (silence)" : chosen.label;
        this.status.retryInSeconds = null;
        this.backoff.reset();
        this.options.log(NULL_DEVICE.test(chosen.label)
          ? `audio input: no sound card found, only the system's null device ("${chosen.label}"), which gives silence; play a file with --input FILE`
          : `audio input: ${chosen.label}`);
        // Listen until stopped, or until no audio arrives for 2 s (the device went away).
        while (!this.stopped) {
          await analysis.reader.waitForFrames(20);
          if (!pump.drain(2000)) throw new Error(`${chosen.label} stopped delivering audio (unplugged?)`);
        }
      } catch (err) {
        input?.disconnect();
        this.target.flush();
        this.status.errors++;
        const wait = this.backoff.take();
        this.status.state = "retrying";
        this.status.detail = (err as Error).message;
        this.options.log(`audio input: ${(err as Error).message}; retrying in ${(wait / 1000).toFixed(1)} s`);
        await sleepUnless(wait, () => this.stopped, (left) => { this.status.retryInSeconds = Math.round(left * 10) / 10; });
      }
    }
    this.status.state = "stopped";
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.context.close().catch(() => {});
  }
}
