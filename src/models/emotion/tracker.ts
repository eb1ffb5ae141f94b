// EmotionTracker: the streaming music emotion for the live engine. It takes audio (any rate;
// resampled and analysed with the WASM kernels) or frames of its own front end, and every
// 0.5 s runs the model on the last 3 s: valence, arousal, quadrant and the nearest ArtEmis
// emotion, smoothed by an exponential moving average (alpha 0.5 per update, so a change is
// 75% through after two updates, one second).
// Never on the audio thread; one reused input buffer, tensors only inside tf.tidy. The
// network runs folded (folded.ts): the same weights in fewer ops, for a shorter update.

import { AudioFeed } from "../../dsp/audio-feed.ts";
import { loadModel } from "../io.ts";
import type { tf } from "../tf.ts";
import { FoldedEmotionNetwork } from "./folded.ts";
import { smoothStep } from "./smoothing.ts";
import { nearestEmotion, QUADRANTS, type Quadrant } from "./circumplex.ts";
import { EmotionAnalysis, FRAME_CHANNELS, MODEL_CHANNELS, prepareWindow, type EmotionFrontEnd } from "./frontend.ts";
import type { EmotionMetadata } from "./train.ts";
import { ModelInputError } from "../errors.ts";
import type { CueName } from "./cues.ts";

export interface EmotionUpdate {
  /** Seconds since the start of the stream (end of the window). */
  t: number;
  valence: number;
  arousal: number;
  quadrant: Quadrant;
  /** Smoothed quadrant probabilities, Q1..Q4. */
  quadrantProbabilities: number[];
  emotion: string;
  /**
   * What the model hears of each musical cue, [-1, 1] (mode: -1 minor .. 1 major; tempo:
   * -1 slow .. 1 fast; see cues.ts), smoothed like valence; only models with a cue head
   * (trained on moodwire's corpus).
   */
  cues?: Record<CueName, number>;
  /** Unsmoothed model outputs. */
  raw: { valence: number; arousal: number };
}

export interface EmotionTrackerOptions {
  /** The rate of the audio given to pushAudio (default: the model's own, 16 kHz). */
  inputRate?: number;
  /** Of a model that averages networks, run only the first N (default: all). */
  networks?: number;
  /**
   * Of a model that averages networks, run one network per pushAudio call: an update is sent
   * from the block that runs its last network (two blocks later with three networks, 43 ms
   * with 1024-sample blocks at 48 kHz) and no block carries all of them. Same values; the live
   * engine sets it. Offline, leave it off (or call flush() at the end).
   */
  spreadNetworks?: boolean;
}

export class EmotionTracker {
  readonly frontEnd: EmotionFrontEnd;
  private readonly model: tf.LayersModel;
  private readonly network: FoldedEmotionNetwork;
  private readonly alpha: number;
  private readonly ring: Float32Array;
  private readonly rawWindow: Float32Array;
  private readonly window: Float32Array;
  private readonly pitchClasses = new Float64Array(12);
  private ringStart = 0;
  private frames = 0;
  private smoothed: { valence: number; arousal: number; q: number[]; cues: number[] } | undefined;
  private readonly spreadNetworks: boolean;
  /** With spreadNetworks: the update whose networks have not all run yet (its window is this.window). */
  private pending: { t: number; outputs: number[][]; next: number } | undefined;
  /** The cue head's names, in output order (empty without one). */
  private readonly cueNames: CueName[];
  private readonly listeners: ((u: EmotionUpdate) => void)[] = [];
  private readonly feed: AudioFeed;

  static async load(dir: string, options: EmotionTrackerOptions = {}): Promise<EmotionTracker> {
    const { model, metadata } = await loadModel<EmotionMetadata>(dir);
    if (metadata.kind !== "moodwire-emotion") throw new ModelInputError(`${dir} is not a moodwire emotion model`);
    return new EmotionTracker(model, metadata, options);
  }

  constructor(model: tf.LayersModel, metadata: EmotionMetadata, options: EmotionTrackerOptions = {}) {
    const channels = model.inputs[0]?.shape[2];
    if (channels !== MODEL_CHANNELS) throw new ModelInputError(`this emotion model takes ${channels} channels per frame, this moodwire's front end gives ${MODEL_CHANNELS}: retrain it with npx moodwire train emotion`);
    this.model = model;
    this.network = new FoldedEmotionNetwork(model, { networks: options.networks });
    this.spreadNetworks = options.spreadNetworks === true && this.network.networks > 1;
    this.frontEnd = metadata.frontEnd;
    this.alpha = metadata.smoothing.alpha;
    this.cueNames = model.outputs.length > 2 ? (metadata.architecture.cues ?? []) as CueName[] : [];
    const f = this.frontEnd;
    this.ring = new Float32Array(f.windowFrames * FRAME_CHANNELS);
    this.rawWindow = new Float32Array(f.windowFrames * FRAME_CHANNELS);
    this.window = new Float32Array(f.windowFrames * MODEL_CHANNELS);
    this.feed = new AudioFeed(options.inputRate ?? f.sampleRate, new EmotionAnalysis(f), (row) => this.pushFrame(row));
    // Frames before the stream began count as "the mean" (0 after standardisation), as in training.
  }

  onUpdate(listener: (u: EmotionUpdate) => void): this {
    this.listeners.push(listener);
    return this;
  }

  pushAudio(samples: Float32Array): void {
    if (this.pending) this.runPendingNetwork();
    this.feed.push(samples);
  }

  /** Sends the update still waiting for networks (spreadNetworks), running them now. */
  flush(): void {
    while (this.pending) this.runPendingNetwork();
  }

  private runPendingNetwork(): void {
    const p = this.pending!;
    this.network.addNetwork(p.next++, this.window, p.outputs);
    if (p.next < this.network.networks) return;
    this.pending = undefined;
    this.send(p.t, p.outputs);
  }

  /** One frame of raw channels (EmotionAnalysis's layout). */
  pushFrame(channels: ArrayLike<number>): void {
    const f = this.frontEnd, c = FRAME_CHANNELS, at = this.ringStart * c;
    for (let j = 0; j < c; j++) {
      const v = channels[j]!;
      this.ring[at + j] = Number.isFinite(v) ? v : f.mean[j]!;
    }
    this.ringStart = (this.ringStart + 1) % f.windowFrames;
    this.frames++;
    // Updates at 0.5 s, 1 s, ...: when the frame ending at that time is in.
    const t = this.updateTime();
    if (t !== undefined) this.update(t);
  }

  private updateTime(): number | undefined {
    const f = this.frontEnd;
    // The last frame that ends by time t is floor((t*sr - nFft)/hop); fire when this frame is it.
    const frameEnd = ((this.frames - 1) * f.hop + f.nFft) / f.sampleRate;
    const t = Math.ceil(frameEnd / 0.5 - 1e-9) * 0.5;
    const nextFrameEnd = (this.frames * f.hop + f.nFft) / f.sampleRate;
    return t > 0 && nextFrameEnd > t + 1e-9 ? t : undefined;
  }

  private update(t: number): void {
    // The window below is the pending update's input: finish that one first.
    this.flush();
    const f = this.frontEnd, c = FRAME_CHANNELS, size = f.windowFrames * c;
    const split = this.ringStart * c;
    this.rawWindow.set(this.ring.subarray(split), 0);
    this.rawWindow.set(this.ring.subarray(0, split), size - split);
    prepareWindow(this.rawWindow, Math.min(this.frames, f.windowFrames), f, this.window, 0, this.pitchClasses);
    if (!this.spreadNetworks) {
      this.send(t, this.network.run(this.window));
      return;
    }
    this.pending = { t, outputs: this.network.zeroOutputs(), next: 0 };
    this.runPendingNetwork();
  }

  /** Smooths one update's outputs (every head, after its activation) and sends it. */
  private send(t: number, outputs: number[][]): void {
    const [va, q, cues = []] = outputs;
    const a = this.alpha, previous = this.smoothed;
    const mix = (now: number, before: number | undefined) => smoothStep(a, now, before);
    const s = (this.smoothed = {
      valence: mix(va![0]!, previous?.valence), arousal: mix(va![1]!, previous?.arousal),
      q: q!.map((p, i) => mix(p, previous?.q[i])), cues: cues.map((c, i) => mix(c, previous?.cues[i])),
    });
    const update: EmotionUpdate = {
      t, valence: s.valence, arousal: s.arousal, quadrant: QUADRANTS[s.q.indexOf(Math.max(...s.q))]!, quadrantProbabilities: s.q,
      emotion: nearestEmotion(s.valence, s.arousal), raw: { valence: va![0]!, arousal: va![1]! },
    };
    if (this.cueNames.length) update.cues = Object.fromEntries(this.cueNames.map((name, i) => [name, s.cues[i]!])) as Record<CueName, number>;
    for (const l of this.listeners) l(update);
  }

  dispose(): void {
    this.network.dispose();
    this.model.dispose();
  }
}
